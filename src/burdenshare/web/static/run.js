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
  var line = run.result.bottom_line || {};
  var day = function (iso) { return Date.parse(iso + "T00:00:00Z"); };
  var points = curve.dates.map(function (d, i) { return { x: day(d), y: 100 * curve.p[i] }; });
  if (line.as_of) { points.unshift({ x: day(line.as_of), y: 0 }); }
  if (line.horizon && points.length) { points.push({ x: day(line.horizon), y: points[points.length - 1].y }); }
  var label = function (ms) { return new Date(ms).toISOString().slice(0, 10); };
  new Chart(canvas, {
    type: "line",
    data: { datasets: [{ label: "P(ratified deal) by date, %", data: points, borderColor: "#0b5cad",
                         backgroundColor: "rgba(11,92,173,0.12)", fill: true, stepped: true, pointRadius: 0 }] },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false, parsing: false,
      scales: {
        y: { min: 0, max: 100, title: { display: true, text: "P(ratified deal), %" } },
        x: { type: "linear", ticks: { maxTicksLimit: 7, callback: function (v) { return label(v); } } }
      },
      plugins: { tooltip: { callbacks: {
        title: function (items) { return items.length ? "by " + label(items[0].parsed.x) : ""; },
        label: function (c) { return c.parsed.y.toFixed(1) + "%"; } } } }
    }
  });
})();
