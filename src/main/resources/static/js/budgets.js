// The Budgets page's chart: month to date and forecast beside each budget's amount, from #chart-data's
// data-chart JSON (no inline script).
(function () {
  'use strict';
  var element = document.getElementById('chart-data');
  var canvas = document.getElementById('budgets-chart');
  if (!element || !canvas || typeof Chart === 'undefined') {
    return;
  }
  var data = JSON.parse(element.dataset.chart || '{}');
  var money = function (v) {
    return (data.currency || '') + ' ' + Number(v).toLocaleString('en-US', {minimumFractionDigits: 2, maximumFractionDigits: 2});
  };
  var numbers = function (list) {
    return (list || []).map(function (v) { return v === null ? null : Number(v); });
  };
  new Chart(canvas, {
    type: 'bar',
    data: {
      labels: data.names || [],
      datasets: [
        {label: 'Month to date', data: numbers(data.actual), backgroundColor: '#1f5eff'},
        {label: 'Forecast', data: numbers(data.forecast), backgroundColor: '#84adff'},
        {label: 'Budget', data: numbers(data.budget), backgroundColor: '#d0d5dd'}
      ]
    },
    options: {
      indexAxis: 'y',
      responsive: true,
      animation: false,
      plugins: {tooltip: {callbacks: {label: function (c) { return c.dataset.label + ': ' + money(c.raw); }}}},
      scales: {x: {ticks: {callback: function (v) { return money(v); }}}}
    }
  });
})();
