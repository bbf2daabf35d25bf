// The one progress poller (a job's page, a batch job's page, a certificate being rendered).
// An element carrying data-progress-url is watched: its URL answers JSON whose field named by
// data-progress-field keeps one of the space-separated values of data-progress-pending while
// the work goes on. Each answer fills the element's parts (data-progress-text: text,
// data-progress-value: a <progress> value, data-progress-badge: the "badge badge-<value>"
// class, each naming a field of the answer); once the work has ended the page is loaded again,
// so that the server shows the outcome (result, error, 重试). Every such page also works
// without scripts: it has a 刷新 link or the job list.
(function () {
  "use strict";

  function watch(root) {
    var url = root.dataset.progressUrl;
    var field = root.dataset.progressField;
    var pending = (root.dataset.progressPending || "").split(" ");
    var polls = 0;

    function fill(data) {
      root.querySelectorAll("[data-progress-text]").forEach(function (part) {
        part.textContent = data[part.dataset.progressText];
      });
      root.querySelectorAll("[data-progress-value]").forEach(function (part) {
        part.value = data[part.dataset.progressValue];
      });
      root.querySelectorAll("[data-progress-badge]").forEach(function (part) {
        part.className = "badge badge-" + data[part.dataset.progressBadge];
      });
    }

    function poll() {
      polls += 1;
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.json();
        })
        .then(function (data) {
          if (pending.indexOf(String(data[field])) === -1) {
            window.location.reload();
            return;
          }
          fill(data);
          // Work queued behind a backlog for minutes need not be asked every second.
          window.setTimeout(poll, polls < 120 ? 1000 : 5000);
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 500);
  }

  document.querySelectorAll("[data-progress-url]").forEach(watch);
})();
