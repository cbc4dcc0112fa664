// A form that came back with mistakes starts with its error summary (templates/_partials/
// _form_errors.html): focus moves there, so that a phone shows it and a screen reader reads
// it, and each of its links moves to its field (its label in view), not only to the field's
// place on the page. Without JavaScript the page still scrolls to the summary (the form's
// action ends with its #fragment) and the links still lead to the fields.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) { return; }
  summary.focus();
  // Chromium drops the focus when it scrolls to the form's #fragment after loading: take it back.
  window.addEventListener("load", function () {
    var again = function () {
      if (document.activeElement === document.body || document.activeElement === null) { summary.focus(); }
    };
    again();
    window.setTimeout(again, 0);
  });
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) { return; }
    var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!field) { return; }
    event.preventDefault();
    var label = document.querySelector("label[for='" + field.id + "']");
    // The label (a little space above it) at the top of the screen, the field under it.
    window.scrollTo(0, window.scrollY + (label || field).getBoundingClientRect().top - 16);
    field.focus({ preventScroll: true });
  });
}());
