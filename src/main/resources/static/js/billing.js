// The Billing page's period picker (its charts are drawn by charts.js).
(function () {
  'use strict';
  var select = document.querySelector('select[data-navigate]');
  if (select) {
    select.addEventListener('change', function () {
      window.location.href = select.dataset.navigate + encodeURIComponent(select.value);
    });
  }
})();
