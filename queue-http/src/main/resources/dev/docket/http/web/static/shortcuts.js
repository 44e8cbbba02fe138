// Docket's keyboard shortcuts: "g" then a letter goes to a page, "/" finds a job by id, "?" shows
// them all. Keys typed into a field are the field's, never a shortcut. A file of its own, loaded
// with defer; the help is built here, so the pages need no inline script or markup for it.
(function () {
  "use strict";

  // "g" then one of these, within a second and a half.
  var PAGES = [
    { key: "q", href: "/", label: "Queues" },
    { key: "j", href: "/jobs", label: "Jobs" },
    { key: "f", href: "/jobs?state=failed", label: "Dead letter (failed jobs)" },
    { key: "s", href: "/schedules", label: "Schedules" },
    { key: "n", href: "/nodes", label: "Nodes" },
    { key: "h", href: "/history", label: "History" }
  ];
  var PREFIX_MS = 1500;

  var help = null;
  var prefixUntil = 0;

  function typingInto(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function keys() {
    var out = [];
    for (var i = 0; i < arguments.length; i++) {
      var kbd = document.createElement("kbd");
      kbd.textContent = arguments[i];
      out.push(kbd);
      if (i < arguments.length - 1) out.push(document.createTextNode(" then "));
    }
    return out;
  }

  function buildHelp() {
    var dialog = document.createElement("dialog");
    dialog.id = "shortcuts";
    dialog.className = "shortcuts";
    dialog.setAttribute("aria-labelledby", "shortcuts-title");
    var title = document.createElement("h2");
    title.id = "shortcuts-title";
    title.textContent = "Keyboard shortcuts";
    dialog.appendChild(title);
    var list = document.createElement("dl");
    function row(keyNodes, text) {
      var dt = document.createElement("dt");
      keyNodes.forEach(function (node) { dt.appendChild(node); });
      var dd = document.createElement("dd");
      dd.textContent = text;
      list.appendChild(dt);
      list.appendChild(dd);
    }
    PAGES.forEach(function (page) { row(keys("g", page.key), page.label); });
    row(keys("/"), "Find a job by id");
    row(keys("?"), "Show this help");
    row(keys("Esc"), "Close it");
    dialog.appendChild(list);
    // A form of method "dialog" closes the dialog without a script of its own.
    var form = document.createElement("form");
    form.method = "dialog";
    var close = document.createElement("button");
    close.type = "submit";
    close.textContent = "Close";
    form.appendChild(close);
    dialog.appendChild(form);
    document.body.appendChild(dialog);
    return dialog;
  }

  function openHelp() {
    if (!help) help = buildHelp();
    if (!help.open) help.showModal();
  }

  function go(href) {
    location.assign(href);
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (typingInto(event.target)) {
      // Esc leaves the search box, so the next keys are shortcuts again.
      if (event.key === "Escape" && event.target.closest && event.target.closest("header .search")) {
        event.target.blur();
      }
      return;
    }
    if (help && help.open) return; // the dialog has the keyboard: Esc closes it by itself
    var key = event.key;
    if (prefixUntil > Date.now()) {
      prefixUntil = 0;
      for (var i = 0; i < PAGES.length; i++) {
        if (PAGES[i].key === key) {
          event.preventDefault();
          go(PAGES[i].href);
          return;
        }
      }
    }
    if (key === "g") {
      prefixUntil = Date.now() + PREFIX_MS;
    } else if (key === "?") {
      event.preventDefault();
      openHelp();
    } else if (key === "/") {
      var search = document.querySelector("header .search input");
      if (search) {
        event.preventDefault(); // or the "/" lands in the box
        search.focus();
        search.select();
      }
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("shortcuts-open");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", openHelp);
  });
})();
