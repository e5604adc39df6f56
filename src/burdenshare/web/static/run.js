// Run page: poll while the analysis runs; draw P(deal) by date with the bundled Chart.js.
(function () {
  "use strict";
  var node = document.getElementById("run-data");
  if (!node) return;
  var run = JSON.parse(node.textContent);
  var started = Date.now();
  if (run.status === "queued" || run.status === "running") {
    var poll = function () {
      fetch("/api/runs/" + encodeURIComponent(run.run_id), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          if (s.status === "done" || s.status === "failed") { window.location.reload(); return; }
          document.getElementById("stage").textContent = s.stage;
          document.getElementById("bar").value = s.progress;
          document.getElementById("elapsed").textContent = "(" + Math.round((Date.now() - started) / 1000) + " s)";
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    };
    window.setTimeout(poll, 1000);
    return;
  }
  var canvas = document.getElementById("pdeal");
  if (!canvas || !run.result || !run.result.curve || typeof Chart === "undefined") return;
  var curve = run.result.curve;
  var milestones = (run.result.bottom_line && run.result.bottom_line.milestones) || [];
  new Chart(canvas, {
    type: "line",
    data: {
      labels: curve.dates,
      datasets: [{ label: "P(ratified deal) by date", data: curve.p.map(function (p) { return p * 100; }),
                   borderColor: "#0b5cad", backgroundColor: "rgba(11,92,173,0.12)", fill: true, stepped: true, pointRadius: 0 }]
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      scales: { y: { min: 0, max: 100, title: { display: true, text: "%" } },
                x: { ticks: { maxTicksLimit: 8 } } },
      plugins: { tooltip: { callbacks: { label: function (c) { return c.parsed.y.toFixed(1) + "% by " + c.label; } } },
                 subtitle: { display: milestones.length > 0, text: milestones.map(function (m) {
                   return m.label + ": " + Math.round(100 * (m.p !== undefined ? m.p : (m.share ? m.share.p : 0))) + "%"; }).join(" · ") } }
    }
  });
})();
