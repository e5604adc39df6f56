// Live dashboard: refresh the counts and the games table from the JSON API.
(function () {
  "use strict";
  var node = document.getElementById("classroom-data");
  if (!node) return;
  var id = JSON.parse(node.textContent).id;
  function text(el, value) { if (el) el.textContent = String(value); }
  function refresh() {
    fetch("/api/classrooms/" + encodeURIComponent(id), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (!d) return;
        text(document.getElementById("c-running"), d.counts.running || 0);
        text(document.getElementById("c-agreed"), d.counts.agreed || 0);
        text(document.getElementById("c-deadlocks"), d.deadlocks || 0);
        d.games.forEach(function (g) {
          var row = document.querySelector('tr[data-game="' + g.game_id + '"]');
          if (!row) return;
          var cells = row.querySelectorAll("td");
          cells[1].textContent = g.status; cells[1].className = "status-" + g.status;
          cells[2].textContent = g.round + " of " + g.rounds;
          cells[3].textContent = g.deal_text || "—";
        });
      })
      .finally(function () { window.setTimeout(refresh, 3000); });
  }
  window.setTimeout(refresh, 3000);
})();
