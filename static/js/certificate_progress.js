// Polls a certificate's rendering status every second and reloads its page once rendering has
// finished (ready or failed); the page's 刷新 link does the same without scripts.
(function () {
  "use strict";
  var root = document.getElementById("certificate-progress");
  if (!root) { return; }
  var url = root.dataset.statusUrl;
  var label = root.querySelector("[data-certificate-label]");
  var polls = 0;

  function poll() {
    polls += 1;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) {
        if (data.render_status !== "pending") {
          window.location.reload();
          return;
        }
        label.textContent = data.label;
        // A queue backed up for minutes need not be asked every second.
        window.setTimeout(poll, polls < 120 ? 1000 : 5000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
