// The review queue. Without JavaScript every row is ticked by hand, evidence opens in a new
// tab and each action is a link or button; with it:
// - a "select the whole page" box in the table head;
// - evidence images open in place (a dialog over the list), so that a reviewer can look
//   before approving from the list;
// - the keyboard: ↑/↓ or K/J move between rows, space ticks, A approves (通过 / 备案),
//   R returns, Enter opens the record, M shows its evidence. After an action the page comes
//   back with the cursor on the row that took the handled one's place: the next item.
(function () {
  "use strict";
  var table = document.querySelector(".rv-table");
  if (!table) {
    return;
  }
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
  var boxes = rows.map(function (row) { return row.querySelector(".rv-check"); });
  var FOCUS_KEY = "rv-focus:" + window.location.pathname + window.location.search;

  // --- Select all ------------------------------------------------------------------------
  var all = table.querySelector(".rv-check-all");
  all.hidden = false;
  all.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = all.checked; });
  });
  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      all.checked = boxes.every(function (other) { return other.checked; });
    });
  });

  // --- Evidence in place -------------------------------------------------------------------
  var dialog = document.querySelector("[data-evidence-dialog]");
  var image = dialog.querySelector("[data-evidence-image]");
  var shown = { links: [], index: 0 };

  function showEvidence(links, index) {
    shown = { links: links, index: index };
    var link = links[index];
    image.src = link.href;
    image.alt = link.title;
    dialog.querySelector("[data-evidence-name]").textContent = link.title;
    dialog.querySelector("[data-evidence-open]").href = link.href;
    dialog.querySelector("[data-evidence-count]").textContent =
      links.length > 1 ? "第 " + (index + 1) + " / " + links.length + " 张，← → 切换，Esc 关闭" : "Esc 关闭";
    if (!dialog.open) {
      dialog.showModal();
    }
  }

  rows.forEach(function (row) {
    var links = Array.prototype.slice.call(row.querySelectorAll("[data-evidence-view]"));
    links.forEach(function (link, index) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        showEvidence(links, index);
      });
    });
  });
  dialog.querySelector("[data-evidence-close]").addEventListener("click", function () {
    dialog.close();
  });
  dialog.addEventListener("click", function (event) {
    if (event.target === dialog) {
      dialog.close();  // a click on the backdrop
    }
  });
  dialog.addEventListener("keydown", function (event) {
    var step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (step && shown.links.length > 1) {
      event.preventDefault();
      showEvidence(shown.links, (shown.index + step + shown.links.length) % shown.links.length);
    }
  });
  dialog.addEventListener("close", function () {
    image.removeAttribute("src");
    var row = rows[current];
    if (row) {
      row.focus();
    }
  });

  // --- Keyboard ------------------------------------------------------------------------------
  var current = -1;
  var help = document.querySelector("[data-testid='keyboard-help']");
  if (help) {
    help.hidden = false;
  }

  function focusRow(index) {
    if (!rows.length) {
      return;
    }
    index = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach(function (row, i) {
      row.tabIndex = i === index ? 0 : -1;
      row.classList.toggle("rv-row-current", i === index);
    });
    current = index;
    rows[index].focus();
  }

  rows.forEach(function (row, index) {
    row.tabIndex = index === 0 ? 0 : -1;
    row.setAttribute("aria-keyshortcuts", "A R Enter Space M");
    row.addEventListener("focusin", function () {
      if (current !== index) {
        rows.forEach(function (other, i) {
          other.tabIndex = i === index ? 0 : -1;
          other.classList.toggle("rv-row-current", i === index);
        });
        current = index;
      }
    });
  });

  function remember() {
    try {
      window.sessionStorage.setItem(FOCUS_KEY, String(current));
    } catch (error) { /* private mode: the cursor simply starts at the top */ }
  }

  // Any row action (a click or a key) remembers the position, so the page that comes back
  // puts the cursor on the item that moved up into it.
  rows.forEach(function (row, index) {
    row.querySelectorAll("[data-row-approve], [data-row-return], .rv-row-actions a").forEach(function (control) {
      control.addEventListener("click", function () {
        current = index;
        remember();
      });
    });
  });

  function typing(target) {
    var tag = target.tagName;
    return tag === "INPUT" && target.type !== "checkbox" || tag === "SELECT" || tag === "TEXTAREA" ||
      target.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || dialog.open || typing(event.target)) {
      return;
    }
    var inRow = event.target.closest && event.target.closest(".rv-row");
    var onPage = event.target === document.body || inRow;
    if (!onPage) {
      return;
    }
    var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    var row = rows[current];
    if (key === "ArrowDown" || key === "j") {
      event.preventDefault();
      focusRow(current + 1);
    } else if (key === "ArrowUp" || key === "k") {
      event.preventDefault();
      focusRow(current - 1);
    } else if (!row || !inRow) {
      return;
    } else if (key === " " && event.target === row) {
      event.preventDefault();
      boxes[current].click();
    } else if (key === "a") {
      event.preventDefault();
      remember();
      row.querySelector("[data-row-approve]").click();
    } else if (key === "r") {
      event.preventDefault();
      remember();
      window.location.href = row.querySelector("[data-row-return]").href;
    } else if (key === "Enter" && event.target === row) {
      event.preventDefault();
      window.location.href = row.querySelector("[data-row-detail]").href;
    } else if (key === "m") {
      var links = Array.prototype.slice.call(row.querySelectorAll("[data-evidence-view]"));
      if (links.length) {
        event.preventDefault();
        showEvidence(links, 0);
      }
    }
  });

  var saved = null;
  try {
    saved = window.sessionStorage.getItem(FOCUS_KEY);
    window.sessionStorage.removeItem(FOCUS_KEY);
  } catch (error) { /* no storage: start at the top */ }
  if (saved !== null && rows.length) {
    focusRow(parseInt(saved, 10) || 0);
  }
})();
