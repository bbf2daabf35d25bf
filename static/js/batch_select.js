// Batch printing: "select the whole page" for the people list. Without JavaScript the box stays
// hidden and each person is ticked by hand; the form works the same either way.
(function () {
  "use strict";
  var toggle = document.querySelector("input[data-select-all]");
  if (!toggle) { return; }
  var name = toggle.getAttribute("data-select-all");
  var boxes = Array.prototype.slice.call(
    document.querySelectorAll("input[type='checkbox'][name='" + name + "']")
  );
  if (!boxes.length) { return; }
  toggle.closest("[hidden]").hidden = false;
  toggle.checked = boxes.every(function (box) { return box.checked; });
  toggle.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = toggle.checked; });
  });
  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      toggle.checked = boxes.every(function (other) { return other.checked; });
    });
  });
})();
