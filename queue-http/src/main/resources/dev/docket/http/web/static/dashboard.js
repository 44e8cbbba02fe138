// Docket's dashboard: htmx swaps the live parts when the server's event stream says something
// changed; this file listens to that stream, draws the throughput chart and shows the reason when
// an action is refused. No inline script, so the page's CSP can forbid them.
(function () {
  "use strict";

  function toast(text, ok) {
    var box = document.getElementById("toast");
    if (!box) return;
    box.textContent = text;
    box.className = ok ? "ok" : "";
    box.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { box.hidden = true; }, 6000);
  }

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
  document.addEventListener("DOMContentLoaded", listen);
})();
