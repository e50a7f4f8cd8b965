// What the portal's pages once did in inline handlers (onclick=, onsubmit=, <script> bodies), which the
// Content-Security-Policy (script-src 'self', docs/security.md) no longer runs. Markup says what to do:
//   <form data-confirm="Question?">       asks before submitting
//   <button data-open-dialog="id">        opens the <dialog id="id">
//   <button data-close-dialog>            closes the dialog it is in
//   <span data-open-on-load="id" hidden>  opens the <dialog id="id"> when the page loads (its form came back with
//                                         an error)
document.addEventListener('submit', (event) => {
  const form = event.target.closest('form[data-confirm]');
  if (form && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

document.addEventListener('click', (event) => {
  const opener = event.target.closest('[data-open-dialog]');
  if (opener) {
    document.getElementById(opener.dataset.openDialog).showModal();
    return;
  }
  const closer = event.target.closest('[data-close-dialog]');
  if (closer) {
    closer.closest('dialog').close();
  }
});

document.addEventListener('DOMContentLoaded', () => {
  document.querySelectorAll('[data-open-on-load]').forEach((marker) => {
    document.getElementById(marker.dataset.openOnLoad).showModal();
  });
});
