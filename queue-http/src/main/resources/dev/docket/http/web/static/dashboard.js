// Docket's dashboard: htmx swaps the live parts when the server's event stream says something
// changed; this file listens to that stream, draws the throughput chart and shows the reason when
// an action is refused. No inline script, so the page's CSP can forbid them.
(function () {
  "use strict";

  function toast(text, ok, link, linkText) {
    var box = document.getElementById("toast");
    if (!box) return;
    box.textContent = text;
    if (link) {
      var a = document.createElement("a");
      a.href = link;
      a.textContent = linkText || "View";
      box.appendChild(document.createTextNode(" "));
      box.appendChild(a);
    }
    box.className = ok ? "ok" : "";
    box.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { box.hidden = true; }, 8000);
  }

  // ---- Asking first ----------------------------------------------------------------------
  // One dialog for every question, instead of the browser's confirm(): it can say more, it looks
  // like the page, and the answer is a button.
  function ask(text, yes) {
    var dialog = document.getElementById("confirm");
    if (!dialog || typeof dialog.showModal !== "function") {
      return Promise.resolve(window.confirm(text));
    }
    document.getElementById("confirm-text").textContent = text;
    document.getElementById("confirm-yes").textContent = yes || "Yes";
    return new Promise(function (resolve) {
      dialog.addEventListener("close", function done() {
        dialog.removeEventListener("close", done);
        resolve(dialog.returnValue === "ok");
      });
      dialog.returnValue = "";
      dialog.showModal();
      document.getElementById("confirm-no").focus();
    });
  }

  // htmx asks through this event for every hx-confirm button: Pause, Cancel, Delete.
  document.addEventListener("htmx:confirm", function (event) {
    var question = event.detail.question;
    if (!question) return;
    event.preventDefault();
    var label = (event.detail.elt.textContent || "Yes").trim();
    ask(question, label).then(function (yes) {
      if (yes) event.detail.issueRequest(true);
    });
  });

  // ---- What an action did ----------------------------------------------------------------
  var DONE = { retry: "retried", cancel: "cancelled", pause: "paused", resume: "resumed",
    run: "enqueued", enable: "enabled", disable: "disabled" };

  document.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail;
    if (!detail.successful || !detail.requestConfig) return;
    var verb = detail.requestConfig.verb;
    var path = detail.requestConfig.path || "";
    var m = path.match(/^\/api\/(jobs|queues|schedules)\/([^/]+)(?:\/(\w+))?$/);
    if (!m || (verb !== "post" && verb !== "delete")) return;
    var body = null;
    try { body = JSON.parse(detail.xhr.responseText); } catch (e) { /* no body */ }
    if (m[1] === "jobs") {
      var id = decodeURIComponent(m[2]);
      var shortId = "…" + id.slice(-12);
      if (verb === "delete") {
        toast("Job " + shortId + " deleted.", true);
      } else if (m[3] === "rerun" && body && body.id) {
        toast("Job " + shortId + " runs again as job …" + body.id.slice(-12) + ".", true,
          "/jobs/" + body.id, "View the new job");
      } else if (m[3] === "cancel" && body && body.state === "running") {
        toast("Job " + shortId + " was asked to stop.", true, "/jobs/" + id, "View the job");
      } else {
        toast("Job " + shortId + " " + (DONE[m[3]] || "changed") + ".", true, "/jobs/" + id,
          "View the job");
      }
    } else if (m[1] === "queues") {
      var queue = decodeURIComponent(m[2]);
      toast("Queue " + queue + " " + (DONE[m[3]] || "changed") + ".", true,
        "/jobs?queue=" + encodeURIComponent(queue), "Its jobs");
    } else if (m[1] === "schedules") {
      var name = decodeURIComponent(m[2]);
      if (m[3] === "run" && body && body.id) {
        toast("Schedule " + name + " enqueued a job.", true, "/jobs/" + body.id, "View the job");
      } else {
        toast("Schedule " + name + " " + (DONE[m[3]] || "changed") + ".", true);
      }
    }
  });

  // ---- Copy buttons ----------------------------------------------------------------------
  // A copy button names what it copies with data-copy-target, a selector looked up inside its
  // closest [data-copy-scope] (an error's details) or else the page. The clipboard API needs a
  // secure context (https or localhost); elsewhere the text is selected in a hidden text area
  // and copied with execCommand, and if even that is refused the operator is told to copy by hand.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return copyByHand(text); });
    }
    return copyByHand(text);
  }

  function copyByHand(text) {
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      area.style.left = "0";
      area.style.top = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) resolve(); else reject(new Error("The browser refused to copy: select the text and copy it by hand."));
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.copy") : null;
    if (!button) return;
    event.preventDefault();
    var scope = button.closest("[data-copy-scope]") || document;
    var source = scope.querySelector(button.getAttribute("data-copy-target"));
    if (!source) return;
    var text = source.value !== undefined && source.tagName === "TEXTAREA" ? source.value : source.textContent;
    copyText(text).then(function () {
      button.setAttribute("data-copied", "true");
      toast("Copied " + text.length.toLocaleString("en-US") + " characters.", true);
    }).catch(function (e) { toast(e.message, false); });
  });

  // ---- Live updates that wait for the operator -------------------------------------------
  // A live part is not swapped while the operator is busy with it: jobs are selected, text is
  // selected in it, the pointer is on one of its buttons, or updates were paused by hand. The
  // refresh that was held back runs once they are done.
  var held = false;
  var pointerOnButton = null;

  function pausedByHand() {
    try { return sessionStorage.getItem("docket-live-paused") === "true"; } catch (e) { return false; }
  }

  // After the operator's own action the part refreshes even under the pointer: they asked for it.
  function busyWith(part, afterAction) {
    if (pausedByHand()) return true;
    if (document.querySelector("[data-select]:checked")) return true;
    if (!afterAction && pointerOnButton && part.contains(pointerOnButton)) return true;
    var dialog = document.getElementById("confirm");
    if (dialog && dialog.open) return true;
    var selection = window.getSelection ? window.getSelection() : null;
    return !!(selection && !selection.isCollapsed && selection.toString().trim() !== ""
      && selection.anchorNode && part.contains(selection.anchorNode));
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var part = event.detail.elt;
    if (!part || !part.hasAttribute || !part.hasAttribute("data-live")) return;
    if (event.detail.requestConfig && event.detail.requestConfig.verb !== "get") return;
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    if (busyWith(part, !!trigger && trigger.type === "docket-changed")) {
      event.preventDefault();
      held = true;
      document.body.setAttribute("data-updates-held", "true");
    }
  });

  function releaseHeld() {
    if (!held || typeof htmx === "undefined") return;
    var parts = document.querySelectorAll("[data-live]");
    for (var i = 0; i < parts.length; i++) {
      if (busyWith(parts[i])) return;
    }
    held = false;
    document.body.removeAttribute("data-updates-held");
    parts.forEach(function (part) { htmx.trigger(part, "docket-live"); });
  }
  setInterval(releaseHeld, 1000);

  document.addEventListener("mouseover", function (event) {
    var button = event.target.closest ? event.target.closest("button") : null;
    pointerOnButton = button;
  });

  function showToggle() {
    var toggle = document.getElementById("live-toggle");
    if (!toggle) return;
    var paused = pausedByHand();
    toggle.textContent = paused ? "Resume updates" : "Pause updates";
    toggle.setAttribute("aria-pressed", paused ? "true" : "false");
    document.body.classList.toggle("updates-paused", paused);
  }

  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("#live-toggle")) return;
    try {
      sessionStorage.setItem("docket-live-paused", pausedByHand() ? "false" : "true");
    } catch (e) { /* storage refused: nothing to remember it in */ }
    showToggle();
    releaseHeld();
  });

  // An attempt the operator opened or closed on a job's page stays so when the page refreshes.
  var attemptsOpen = {};
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (details.matches && details.matches("details[data-attempt]")) {
      attemptsOpen[details.getAttribute("data-attempt")] = details.open;
    }
  }, true);
  document.addEventListener("htmx:afterSwap", restoreAttempts);
  document.addEventListener("htmx:afterSettle", restoreAttempts);
  function restoreAttempts() {
    document.querySelectorAll("details[data-attempt]").forEach(function (details) {
      var open = attemptsOpen[details.getAttribute("data-attempt")];
      if (open !== undefined && details.open !== open) details.open = open;
    });
    syncSelection();
  }

  // ---- Acting on many jobs ---------------------------------------------------------------
  var PAST = { retry: "Retried", cancel: "Cancelled", delete: "Deleted" };
  var selected = {};

  function syncSelection() {
    document.querySelectorAll("[data-select]").forEach(function (box) {
      box.checked = !!selected[box.value];
    });
    var count = Object.keys(selected).length;
    var bar = document.querySelector("[data-bulk]");
    if (bar) {
      bar.hidden = count === 0;
      bar.querySelector("[data-bulk-count]").textContent = count.toLocaleString("en-US") + " selected";
    }
    var all = document.querySelector("[data-select-all]");
    if (all) {
      var boxes = document.querySelectorAll("[data-select]");
      all.checked = boxes.length > 0 && count >= boxes.length
        && Array.prototype.every.call(boxes, function (b) { return b.checked; });
    }
  }

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.matches("[data-select]")) {
      if (box.checked) selected[box.value] = true; else delete selected[box.value];
    } else if (box.matches("[data-select-all]")) {
      document.querySelectorAll("[data-select]").forEach(function (b) {
        if (box.checked) selected[b.value] = true; else delete selected[b.value];
      });
    } else {
      return;
    }
    syncSelection();
    if (Object.keys(selected).length === 0) releaseHeld();
  });

  function csrf() {
    var meta = document.querySelector("meta[name=docket-csrf]");
    return meta ? meta.getAttribute("content") : "";
  }

  function post(path, body) {
    return fetch(path, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
        "X-Docket-CSRF": csrf() },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (json) {
        if (!r.ok) throw new Error(json.message || ("The request failed (" + r.status + ")."));
        return json;
      });
    });
  }

  function refreshNow() {
    if (typeof htmx === "undefined") return;
    document.querySelectorAll("[data-live]").forEach(function (part) {
      htmx.trigger(part, "docket-live");
    });
  }

  function report(action, changed, skipped, reason) {
    var text = PAST[action] + " " + changed.toLocaleString("en-US") + (changed === 1 ? " job" : " jobs");
    if (skipped > 0) {
      text += "; " + skipped.toLocaleString("en-US") + " left as they were (" + reason + ")";
    }
    toast(text + ".", true, action === "delete" ? null : "/jobs?state=" + (action === "retry" ? "pending" : "cancelled"),
      action === "retry" ? "Pending jobs" : "Cancelled jobs");
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("button") : null;
    if (!target) return;
    if (target.hasAttribute("data-bulk-clear")) {
      selected = {};
      syncSelection();
      releaseHeld();
    } else if (target.hasAttribute("data-bulk-action")) {
      var action = target.getAttribute("data-bulk-action");
      var ids = Object.keys(selected);
      if (ids.length === 0) return;
      ask(action.charAt(0).toUpperCase() + action.slice(1) + " the " + ids.length.toLocaleString("en-US")
          + " selected " + (ids.length === 1 ? "job" : "jobs") + "?"
          + (action === "delete" ? " It cannot be undone." : ""), target.textContent.trim())
        .then(function (yes) {
          if (!yes) return;
          post("/api/jobs/" + action, { ids: ids }).then(function (result) {
            selected = {};
            syncSelection();
            report(action, result.changed.length, result.skipped.length,
              result.skipped.length ? result.skipped[0].reason : "");
            held = false;
            refreshNow();
          }).catch(function (e) { toast(e.message, false); });
        });
    } else if (target.hasAttribute("data-matching-action")) {
      var holder = target.closest("[data-matching-filter]");
      var act = target.getAttribute("data-matching-action");
      var filter = JSON.parse(holder.getAttribute("data-matching-filter"));
      var count = holder.getAttribute("data-matching-count");
      ask(act.charAt(0).toUpperCase() + act.slice(1) + " all " + count + " jobs matching "
          + holder.getAttribute("data-matching-described") + "?"
          + (act === "delete" ? " It cannot be undone." : ""), target.textContent.trim())
        .then(function (yes) {
          if (!yes) return;
          var changed = 0, skipped = 0, reason = "";
          // One page per request, bounded; the cursor goes on where the page before stopped.
          function next(cursor) {
            var body = { filter: filter, limit: 1000 };
            if (cursor) body.cursor = cursor;
            return post("/api/jobs/" + act, body).then(function (result) {
              changed += result.changed.length;
              skipped += result.skipped.length;
              if (!reason && result.skipped.length) reason = result.skipped[0].reason;
              toast(PAST[act] + " " + changed.toLocaleString("en-US") + " so far…", true);
              return result.nextCursor ? next(result.nextCursor) : null;
            });
          }
          next(null).then(function () {
            report(act, changed, skipped, reason);
            refreshNow();
          }).catch(function (e) { toast(e.message, false); refreshNow(); });
        });
    }
  });

  // A job deleted from its own page: go to the list instead of showing a job that is gone.
  document.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail;
    if (detail.successful && detail.requestConfig && detail.requestConfig.verb === "delete"
        && location.pathname.indexOf("/jobs/") === 0) {
      location.assign("/jobs");
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var job = document.getElementById("job");
    if (xhr.status === 404 && job && event.detail.elt === job) {
      // The job's page refreshes itself; once the job is gone, say so once and stop refreshing.
      var gone = document.createElement("section");
      gone.className = "panel";
      gone.id = "job-gone";
      gone.textContent = "This job no longer exists: it was deleted or purged.";
      job.replaceWith(gone);
      return;
    }
    var text = "The request failed (" + xhr.status + ").";
    try {
      var body = JSON.parse(xhr.responseText);
      if (body && body.message) text = body.message;
    } catch (e) { /* not JSON: keep the status */ }
    toast(text, false);
  });

  document.addEventListener("htmx:sendError", function () {
    toast("The server does not answer.", false);
  });

  function drawThroughput() {
    var canvas = document.getElementById("throughput");
    if (!canvas || typeof Chart === "undefined") return;
    var chart = new Chart(canvas, {
      type: "bar",
      data: { labels: [], datasets: [
        { label: "completed", data: [], stack: "s" },
        { label: "failed attempts", data: [], stack: "s" }
      ] },
      options: { animation: false, maintainAspectRatio: false,
        scales: { x: { stacked: true, ticks: { maxTicksLimit: 10 } }, y: { stacked: true, beginAtZero: true } },
        plugins: { legend: { position: "bottom" } } }
    });
    // The stylesheet's colours, light or dark as the system is, and again when it changes.
    function paint() {
      var css = getComputedStyle(document.documentElement);
      function colour(name) { return css.getPropertyValue(name).trim(); }
      chart.data.datasets[0].backgroundColor = colour("--ok");
      chart.data.datasets[1].backgroundColor = colour("--bad");
      chart.options.color = colour("--muted");
      chart.options.borderColor = colour("--line");
      chart.options.plugins.legend.labels = { color: colour("--muted") };
      ["x", "y"].forEach(function (axis) {
        chart.options.scales[axis].ticks.color = colour("--muted");
        chart.options.scales[axis].grid = { color: colour("--line") };
      });
      chart.update();
    }
    paint();
    if (window.matchMedia) {
      var scheme = window.matchMedia("(prefers-color-scheme: dark)");
      if (scheme.addEventListener) scheme.addEventListener("change", paint);
    }
    function refresh() {
      fetch("/api/throughput", { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (t) {
          if (!t) return;
          var start = Date.parse(t.start);
          var width = 5000;
          chart.data.labels = t.completed.map(function (_, i) {
            return new Date(start + i * width).toISOString().substring(11, 19);
          });
          chart.data.datasets[0].data = t.completed;
          chart.data.datasets[1].data = t.failed;
          chart.update();
          canvas.setAttribute("data-completed-total", t.completed.reduce(function (a, b) { return a + b; }, 0));
        })
        .catch(function () { /* the next refresh tries again */ });
    }
    refresh();
    setInterval(refresh, 5000);
  }

  // The History page: four charts from one call of the API the page names, redrawn every 30 s.
  function drawHistory() {
    var holder = document.querySelector("[data-history]");
    if (!holder || typeof Chart === "undefined") return;
    var url = holder.getAttribute("data-history");
    function chart(id, type, datasets, yOptions) {
      var canvas = document.getElementById(id);
      return new Chart(canvas, {
        type: type,
        data: { labels: [], datasets: datasets },
        options: { animation: false, maintainAspectRatio: false, spanGaps: false,
          scales: { x: { stacked: type === "bar", ticks: { maxTicksLimit: 8 } },
            y: Object.assign({ stacked: type === "bar", beginAtZero: true }, yOptions || {}) },
          plugins: { legend: { position: "bottom" } } }
      });
    }
    var charts = {
      throughput: chart("history-throughput", "bar", [
        { label: "completed", data: [], stack: "s", colour: "--ok" },
        { label: "failed", data: [], stack: "s", colour: "--bad" }]),
      failures: chart("history-failures", "line", [
        { label: "failure rate %", data: [], colour: "--bad", pointRadius: 2 }]),
      wait: chart("history-wait", "line", [
        { label: "p50 ms", data: [], colour: "--ok", pointRadius: 2 },
        { label: "p95 ms", data: [], colour: "--warn", pointRadius: 2 }]),
      run: chart("history-run", "line", [
        { label: "p50 ms", data: [], colour: "--ok", pointRadius: 2 },
        { label: "p95 ms", data: [], colour: "--warn", pointRadius: 2 }])
    };
    function paint() {
      var css = getComputedStyle(document.documentElement);
      function colour(name) { return css.getPropertyValue(name).trim() || "#888"; }
      Object.keys(charts).forEach(function (key) {
        var c = charts[key];
        c.data.datasets.forEach(function (d) {
          d.backgroundColor = colour(d.colour);
          d.borderColor = colour(d.colour);
        });
        c.options.plugins.legend.labels = { color: colour("--muted") };
        ["x", "y"].forEach(function (axis) {
          c.options.scales[axis].ticks.color = colour("--muted");
          c.options.scales[axis].grid = { color: colour("--line") };
        });
        c.update();
      });
    }
    paint();
    if (window.matchMedia) {
      var scheme = window.matchMedia("(prefers-color-scheme: dark)");
      if (scheme.addEventListener) scheme.addEventListener("change", paint);
    }
    function label(at, step) {
      var iso = new Date(Date.parse(at)).toISOString();
      return step >= 3600 ? iso.substring(5, 10) + " " + iso.substring(11, 16) : iso.substring(11, 16);
    }
    function refresh() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (h) {
          if (!h) return;
          var labels = h.points.map(function (p) { return label(p.at, h.stepSeconds); });
          function column(name, scale) {
            return h.points.map(function (p) { return p[name] === null ? null : p[name] * (scale || 1); });
          }
          Object.keys(charts).forEach(function (key) { charts[key].data.labels = labels; });
          charts.throughput.data.datasets[0].data = column("completed");
          charts.throughput.data.datasets[1].data = column("failed");
          charts.failures.data.datasets[0].data = column("failureRate", 100);
          charts.wait.data.datasets[0].data = column("waitP50Ms");
          charts.wait.data.datasets[1].data = column("waitP95Ms");
          charts.run.data.datasets[0].data = column("runP50Ms");
          charts.run.data.datasets[1].data = column("runP95Ms");
          Object.keys(charts).forEach(function (key) { charts[key].update(); });
          holder.setAttribute("data-completed-total", h.total.completed);
          holder.setAttribute("data-points", h.points.length);
        })
        .catch(function () { /* the next refresh tries again */ });
    }
    refresh();
    setInterval(refresh, 30000);
  }

  // Live updates: one EventSource per page, on the stream the page's live part names. A job page
  // hears its job's changes (progress is shown at once, a new state refreshes the part); list
  // pages hear the queues' statistics only, which come at most about once a second.
  function listen() {
    var holder = document.querySelector("[data-events]");
    if (!holder || typeof EventSource === "undefined") return;
    var status = document.getElementById("live-status");
    var due = null;
    var polling = null;
    var opened = false;

    function setStatus(state, text) {
      if (!status) return;
      status.setAttribute("data-live-status", state);
      status.textContent = text;
    }

    // Many events in a burst make one refresh, at most a quarter second after the first.
    function refreshSoon() {
      if (due) return;
      due = setTimeout(function () {
        due = null;
        if (typeof htmx === "undefined") return;
        document.querySelectorAll("[data-live]").forEach(function (part) {
          htmx.trigger(part, "docket-live");
        });
      }, 250);
    }

    function showProgress(progress) {
      var box = document.getElementById("job-progress");
      if (!box || !progress) return;
      var bar = box.querySelector("progress");
      bar.value = progress.percent;
      bar.hidden = false;
      box.querySelector(".percent").textContent = progress.percent + "%";
      box.querySelector(".progress-message").textContent = progress.message;
    }

    function open() {
      var source = new EventSource(holder.getAttribute("data-events"));
      source.addEventListener("open", function () {
        if (polling) { clearInterval(polling); polling = null; }
        // After a reconnect, what changed meanwhile may not be replayed (statistics never are).
        if (opened) refreshSoon();
        opened = true;
        setStatus("on", "live");
      });
      source.addEventListener("job", function (event) {
        var change = JSON.parse(event.data);
        if (change.type === "progress") {
          showProgress(change.progress);
        } else {
          refreshSoon();
        }
      });
      source.addEventListener("stats", refreshSoon);
      source.addEventListener("missed", refreshSoon);
      source.addEventListener("dropped", function () {
        // Too far behind: start again from what the page reads afresh.
        source.close();
        refreshSoon();
        setTimeout(open, 1000);
      });
      source.addEventListener("error", function () {
        if (source.readyState === EventSource.CLOSED) {
          // The server refused the stream (at its limit, or stopping): poll instead, and keep
          // trying the stream now and then.
          setStatus("off", "not live: refreshing every 3 seconds");
          if (!polling) polling = setInterval(refreshSoon, 3000);
          setTimeout(open, 15000);
        } else {
          setStatus("reconnecting", "reconnecting");
        }
      });
    }
    open();
  }

  document.addEventListener("DOMContentLoaded", drawThroughput);
  document.addEventListener("DOMContentLoaded", drawHistory);
  document.addEventListener("DOMContentLoaded", listen);
  document.addEventListener("DOMContentLoaded", showToggle);
})();
