// Billing and invoice pages: charts from the page's JSON (no inline script), and the period picker.
(function () {
  'use strict';
  var select = document.querySelector('select[data-navigate]');
  if (select) {
    select.addEventListener('change', function () {
      window.location.href = select.dataset.navigate + encodeURIComponent(select.value);
    });
  }
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
  var margin = document.getElementById('margin-chart');
  if (margin && data.customers) {
    new Chart(margin, {
      type: 'bar',
      data: {labels: data.customers, datasets: [{data: data.margins.map(Number),
        backgroundColor: data.margins.map(function (m) { return Number(m) < 0 ? '#d92d20' : '#1f5eff'; })}]},
      options: options(false)
    });
  }
  var services = document.getElementById('service-chart');
  if (services && data.services) {
    new Chart(services, {
      type: 'bar',
      data: {labels: data.services, datasets: [{data: data.charges.map(Number), backgroundColor: '#12b76a'}]},
      options: options(true)
    });
  }
})();
