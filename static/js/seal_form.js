// The seal application form: the upload field shows only for an uploaded seal, and choosing
// another office swaps the suggested seal text unless the user has written their own.
(function () {
  "use strict";
  var form = document.querySelector("[data-seal-form]");
  if (!form) { return; }
  var upload = form.querySelector("[data-seal-upload]");
  var sources = form.querySelectorAll("input[name=source]");
  function toggleUpload() {
    var checked = form.querySelector("input[name=source]:checked");
    upload.hidden = !checked || checked.value !== "uploaded";
  }
  Array.prototype.forEach.call(sources, function (radio) {
    radio.addEventListener("change", toggleUpload);
  });
  toggleUpload();

  var office = form.querySelector("select[name=office]");
  var text = form.querySelector("input[name=text]");
  if (!office || !text) { return; }
  var defaults = JSON.parse(form.getAttribute("data-default-texts") || "{}");
  var suggested = defaults[office.value] || "";
  office.addEventListener("change", function () {
    var next = defaults[office.value];
    if (next && (text.value.trim() === "" || text.value.trim() === suggested)) {
      text.value = next;
    }
    suggested = next || "";
  });
})();
