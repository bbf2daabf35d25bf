// The declaration form: the plan item list of a unit or department training is the server's,
// for the year it was rendered for (data-plan-year). When another year is chosen for such a
// category, the form is posted with "switch" so that the server lists that year's items; the
// page works without this script through the 切换类别 button. Such a category may leave the
// title blank, so the title's "required" follows the category chosen.
(function () {
  "use strict";

  var form = document.querySelector("form[data-hours-url]");
  if (!form) { return; }
  var year = form.querySelector("select[name='year']");
  var category = form.querySelector("select[name='category']");
  if (!year || !category) { return; }

  function stale() {
    var panel = form.querySelector("[data-category-panel='" + category.value + "']");
    var list = panel && panel.querySelector("[data-plan-year]");
    return Boolean(list) && list.getAttribute("data-plan-year") !== year.value;
  }

  // A unit or department training may leave the title blank: the chosen project's is taken.
  var title = form.querySelector("input[name='title']");

  function titleRequired() {
    var panel = form.querySelector("[data-category-panel='" + category.value + "']");
    if (title) { title.required = !(panel && panel.querySelector("[data-plan-year]")); }
  }

  function refresh() {
    titleRequired();
    if (!stale()) { return; }
    var flag = document.createElement("input");
    flag.type = "hidden";
    flag.name = "switch";
    flag.value = "1";
    form.appendChild(flag);
    form.submit();
  }

  year.addEventListener("change", refresh);
  category.addEventListener("change", refresh);
  titleRequired();
})();
