// Buttons marked data-print-button print the page; they stay hidden when scripts do not run.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-print-button]");
  Array.prototype.forEach.call(buttons, function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
