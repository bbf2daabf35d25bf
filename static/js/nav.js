// The header's task groups: opening one closes the others, and a click elsewhere or Escape
// closes them (each group is a <details>, usable without this script).
(function () {
  var groups = document.querySelectorAll(".site-nav .nav-group details");
  function closeAll(except) {
    groups.forEach(function (group) {
      if (group !== except) group.removeAttribute("open");
    });
  }
  groups.forEach(function (group) {
    group.addEventListener("toggle", function () {
      if (group.open) closeAll(group);
    });
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest(".site-nav .nav-group")) closeAll(null);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") closeAll(null);
  });
})();
