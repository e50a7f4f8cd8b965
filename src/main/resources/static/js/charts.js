// Every page's bar charts (homes, Billing) from its element #chart-data's data-chart JSON (no inline script);
// a chart whose canvas is not on the page is skipped.
(function () {
  'use strict';
  var dataElement = document.getElementById('chart-data');
  if (!dataElement || typeof Chart === 'undefined') {
    return;
  }
  var data = JSON.parse(dataElement.dataset.chart || '{}');
  var money = function (v) {
    return (data.currency || '') + ' ' + Number(v).toLocaleString('en-US', {minimumFractionDigits: 2, maximumFractionDigits: 2});
  };
  var options = function (horizontal) {
    return {
      indexAxis: horizontal ? 'y' : 'x',
      responsive: true,
      animation: false,
      plugins: {legend: {display: false}, tooltip: {callbacks: {label: function (c) { return money(c.raw); }}}},
      scales: horizontal ? {x: {ticks: {callback: function (v) { return money(v); }}}}
                         : {y: {ticks: {callback: function (v) { return money(v); }}}}
    };
  };
  var bar = function (id, labels, values, horizontal, colour) {
    var canvas = document.getElementById(id);
    if (!canvas || !labels) {
      return;
    }
    new Chart(canvas, {
      type: 'bar',
      data: {labels: labels, datasets: [{data: values.map(Number), backgroundColor: values.map(function (v) {
        return Number(v) < 0 ? '#d92d20' : colour;
      })}]},
      options: options(horizontal)
    });
  };
  bar('daily-chart', data.days, data.dayCharges || [], false, '#1f5eff');
  bar('top-services-chart', data.services, data.serviceCharges || [], true, '#12b76a');
  bar('customer-charge-chart', data.customers, data.charges || [], true, '#1f5eff');
  bar('customer-margin-chart', data.customers, data.margins || [], true, '#12b76a');
  bar('margin-chart', data.customers, data.margins || [], false, '#1f5eff');
  bar('service-chart', data.services, data.charges || [], true, '#12b76a');
  bar('service-margin-chart', data.marginServices, data.serviceMargins || [], true, '#1f5eff');
})();
