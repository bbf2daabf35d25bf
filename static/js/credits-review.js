// The review queue: a "select the whole page" box in the table head. Without JavaScript the
// box stays hidden and each row is ticked by hand; the batch form works the same either way.
(function () {
  "use strict";
  var all = document.querySelector(".rv-check-all");
  if (!all) {
    return;
  }
  var boxes = Array.prototype.slice.call(document.querySelectorAll(".rv-check"));
  all.hidden = false;
  all.addEventListener("change", function () {
    boxes.forEach(function (box) {
      box.checked = all.checked;
    });
  });
  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      all.checked = boxes.every(function (other) {
        return other.checked;
      });
    });
  });
})();
