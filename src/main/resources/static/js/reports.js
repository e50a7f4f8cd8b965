// A saved cost report's chart (reports-show.html): stacked bars or lines over time, one series per group, from the
// element #chart-data's data-chart JSON (no inline script, CSP).
(function () {
  'use strict';
  var element = document.getElementById('chart-data');
  var canvas = document.getElementById('report-chart');
  if (!element || !canvas || typeof Chart === 'undefined') {
    return;
  }
  var data = JSON.parse(element.dataset.chart || '{}');
  var colours = ['#1f5eff', '#12b76a', '#f79009', '#7a5af8', '#ee46bc', '#06aed4', '#d92d20', '#667085', '#98a2b3'];
  var money = function (v) {
    return (data.currency || '') + ' ' + Number(v).toLocaleString('en-US', {minimumFractionDigits: 2, maximumFractionDigits: 2});
  };
  var stacked = data.type === 'bar';
  new Chart(canvas, {
    type: data.type === 'line' ? 'line' : 'bar',
    data: {
      labels: data.labels || [],
      datasets: (data.series || []).map(function (s, i) {
        var colour = colours[i % colours.length];
        return {label: s.label, data: s.values.map(Number), backgroundColor: colour, borderColor: colour, fill: false,
          tension: 0.2};
      })
    },
    options: {
      responsive: true,
      animation: false,
      plugins: {tooltip: {callbacks: {label: function (c) { return c.dataset.label + ': ' + money(c.raw); }}}},
      scales: {x: {stacked: stacked}, y: {stacked: stacked, beginAtZero: true, ticks: {callback: function (v) { return money(v); }}}}
    }
  });
})();
