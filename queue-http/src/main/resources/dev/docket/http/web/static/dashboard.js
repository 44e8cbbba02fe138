// Docket's dashboard: htmx does the live parts; this file draws the throughput chart and shows
// the reason when an action is refused. No inline script, so the page's CSP can forbid them.
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
        { label: "completed", data: [], backgroundColor: "#12805c", stack: "s" },
        { label: "failed attempts", data: [], backgroundColor: "#c0262d", stack: "s" }
      ] },
      options: { animation: false, maintainAspectRatio: false,
        scales: { x: { stacked: true, ticks: { maxTicksLimit: 10 } }, y: { stacked: true, beginAtZero: true } },
        plugins: { legend: { position: "bottom" } } }
    });
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

  document.addEventListener("DOMContentLoaded", drawThroughput);
})();
