// The game page polls its JSON twin and reloads when a move was made (no inline scripts).
(function () {
  "use strict";
  var node = document.getElementById("game-data");
  if (!node) return;
  var game = JSON.parse(node.textContent);
  if (game.status !== "running" || game.your_turn) return;
  function poll() {
    fetch("/api/games/" + encodeURIComponent(game.id), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (s && (s.history.length !== game.turn || s.status !== game.status || s.your_turn)) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 4000); });
  }
  window.setTimeout(poll, 1500);
})();
