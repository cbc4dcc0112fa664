// An export's page while the job worker makes its file (templates/exports/status.html): the
// progress bar and its sentence follow the work in place (asked every two seconds from the
// export's progress.json), and once the file is made (or has failed) the page is loaded again,
// which then offers the download. Without JavaScript the page reloads itself instead (<noscript>
// meta refresh).
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var label = box.querySelector("label");
  var url = box.getAttribute("data-progress-url");
  var ask = function () {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { window.setTimeout(ask, 5000); return; }
        if (state.status !== "queued" && state.status !== "running") { window.location.reload(); return; }
        if (label && label.textContent !== state.label) { label.textContent = state.label; }
        if (bar && state.total > 1) { bar.max = state.total; bar.value = state.done; }
        window.setTimeout(ask, 2000);
      })
      .catch(function () { window.setTimeout(ask, 5000); });
  };
  window.setTimeout(ask, 2000);
}());
