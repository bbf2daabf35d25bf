// The declaration form: the chosen category's parameter fields, and its hours computed live by
// the server (POST /api/v1/hours/compute). No rule is computed here; the page works without it.
(function () {
  "use strict";

  var form = document.querySelector("form[data-hours-url]");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-hours-url");
  var select = form.querySelector("select[name='category']");
  var result = document.getElementById("hours-result");
  var main = result.querySelector("[data-result-main]");
  var hoursOut = result.querySelector("[data-result-hours]");
  var basisOut = result.querySelector("[data-result-basis]");
  var explanationOut = result.querySelector("[data-result-explanation]");
  var messageOut = result.querySelector("[data-result-message]");
  var emptyNote = form.querySelector("[data-category-empty]");
  var token = form.querySelector("input[name='csrfmiddlewaretoken']");
  var basisLabels = {};
  try { basisLabels = JSON.parse(result.getAttribute("data-basis-labels") || "{}"); } catch (e) { basisLabels = {}; }
  var WHOLE = { full_professional: true, full_year: true };
  var DEBOUNCE_MS = 300;
  var timer = null;
  var sequence = 0;

  // With this script the fieldsets switch at once; the no-script button is not needed.
  var switcher = form.querySelector("[data-category-switch]");
  if (switcher) { switcher.remove(); }

  function activePanel() {
    return form.querySelector("[data-category-panel]:not([disabled])");
  }

  function showCategory(code) {
    form.querySelectorAll("[data-category-panel]").forEach(function (panel) {
      var on = panel.getAttribute("data-category-panel") === code;
      panel.hidden = !on;
      panel.disabled = !on;
    });
    if (emptyNote) { emptyNote.hidden = Boolean(code); }
  }

  function currentParams(panel) {
    var params = {};
    panel.querySelectorAll("[data-param]").forEach(function (input) {
      var name = input.getAttribute("data-param");
      if (input.type === "checkbox") {
        params[name] = input.checked;
      } else if (input.value.trim() !== "") {
        params[name] = input.value.trim();
      }
    });
    return params;
  }

  function clearFieldErrors() {
    form.querySelectorAll("[data-live-error]").forEach(function (slot) {
      slot.textContent = "";
      slot.hidden = true;
      slot.parentNode.classList.remove("field-live-invalid");
    });
  }

  function showMessage(text) {
    main.hidden = true;
    explanationOut.textContent = "";
    messageOut.textContent = text;
    messageOut.hidden = false;
  }

  function showResult(body) {
    var whole = WHOLE[body.basis];
    hoursOut.textContent = whole ? (basisLabels[body.basis] || "") : body.hours + " 学时";
    basisOut.textContent = basisLabels[body.basis] || "";
    explanationOut.textContent = body.explanation || "";
    main.hidden = false;
    messageOut.hidden = true;
  }

  function showErrors(panel, errors) {
    var others = [];
    Object.keys(errors).forEach(function (name) {
      var slot = panel && panel.querySelector("[data-live-error='" + name + "']");
      var input = panel && panel.querySelector("[data-param='" + name + "']");
      // A field not yet touched says nothing at itself; the summary below names it.
      if (slot && input && (input.value.trim() !== "" || input.hasAttribute("data-touched"))) {
        slot.textContent = errors[name];
        slot.hidden = false;
        slot.parentNode.classList.add("field-live-invalid");
      } else {
        others.push(errors[name]);
      }
    });
    showMessage(others.length ? "尚不能计算：" + others.join(" ") : "尚不能计算：请按提示修改参数。");
  }

  function compute() {
    var code = select.value;
    var panel = activePanel();
    var mine = ++sequence;
    clearFieldErrors();
    if (!code || !panel) {
      showMessage("选择类别并填写参数后，这里显示按标准计算的学时；保存时按同一标准重新计算。");
      return;
    }
    var headers = { "Content-Type": "application/json", "Accept": "application/json" };
    if (token) { headers["X-CSRFToken"] = token.value; }
    fetch(url, {
      method: "POST",
      headers: headers,
      credentials: "same-origin",
      body: JSON.stringify({ category: code, params: currentParams(panel) })
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (answer) {
      if (mine !== sequence) { return; }  // a later request has been sent since
      if (answer.status === 200) {
        showResult(answer.body);
      } else if (answer.status === 400 && answer.body.errors) {
        showErrors(panel, answer.body.errors);
      } else {
        showMessage("暂时无法计算学时（请求过于频繁或网络异常），保存时将按标准计算。");
      }
    }).catch(function () {
      if (mine === sequence) { showMessage("暂时无法计算学时，保存时将按标准计算。"); }
    });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(compute, DEBOUNCE_MS);
  }

  select.addEventListener("change", function () {
    showCategory(select.value);
    compute();
  });
  form.addEventListener("input", function (event) {
    if (event.target.hasAttribute("data-param")) {
      event.target.setAttribute("data-touched", "");
      schedule();
    }
  });
  form.addEventListener("change", function (event) {
    if (event.target.hasAttribute("data-param")) {
      event.target.setAttribute("data-touched", "");
      schedule();
    }
  });

  showCategory(select.value);
  if (select.value && !form.querySelector(".field-invalid")) { compute(); }
})();
