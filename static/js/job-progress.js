// Polls a job's progress endpoint and updates its page until the job has finished.
(function () {
  "use strict";
  var root = document.getElementById("job");
  if (!root || root.dataset.finished === "1") { return; }
  var url = root.dataset.progressUrl;
  function part(name) { return root.querySelector('[data-job="' + name + '"]'); }

  function render(data) {
    var status = part("status");
    status.textContent = data.status_label;
    status.className = "badge badge-" + data.status;
    part("bar").value = data.percent;
    part("percent").textContent = data.percent;
    part("done").textContent = data.done;
    part("total").textContent = data.total;
    if (data.result_url) { part("result-link").hidden = false; }
    if (data.error) {
      part("error-text").textContent = data.error;
      part("error").hidden = false;
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) {
        render(data);
        if (!data.finished) { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 500);
})();
