// Registration, first step: choosing another city reloads the page so its counties are listed.
(function () {
  "use strict";
  var form = document.getElementById("region-kind-form");
  if (!form) { return; }
  var city = form.querySelector("select[name=city]");
  if (!city) { return; }
  city.addEventListener("change", function () {
    var county = form.querySelector("select[name=county]");
    if (county) { county.disabled = true; }  // a county of the old city means nothing now
    if (form.querySelector("select[name=kind]").value) { form.submit(); }
  });
})();
