// Small conveniences of the accounts pages; every page works without them.
(function () {
  "use strict";

  // Choosing a city submits the search form at once, so its counties appear.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      var form = select.form;
      var county = form.querySelector("select[name='county']");
      if (county) { county.value = ""; }
      form.submit();
    });
  });

  // "Select all on this page" for the checkboxes of a batch form.
  document.querySelectorAll("input[data-select-all]").forEach(function (toggle) {
    var name = toggle.getAttribute("data-select-all");
    var boxes = document.querySelectorAll("input[type='checkbox'][name='" + name + "']");
    if (!boxes.length) { return; }
    var wrapper = toggle.closest("[hidden]");
    if (wrapper) { wrapper.removeAttribute("hidden"); }
    toggle.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = toggle.checked; });
    });
  });
})();
