// Explorer: reload the form for another bundled scenario; show big amounts in words.
(function () {
  "use strict";
  var select = document.getElementById("scenario");
  if (select) {
    select.addEventListener("change", function () {
      window.location.href = select.getAttribute("data-reload") + encodeURIComponent(select.value);
    });
  }
  function words(input) {
    var hint = document.querySelector('[data-words-for="' + input.id + '"]');
    if (!hint) return;
    var unit = input.getAttribute("data-money");
    var x = Number(String(input.value).replace(/[,_\s]/g, ""));
    if (!isFinite(x) || Math.abs(x) < 1e9) { hint.textContent = ""; return; }
    hint.textContent = "= " + (x / 1e9).toLocaleString("en-US", { maximumFractionDigits: 1 }) + " bn " + (unit || "");
  }
  document.querySelectorAll("input[data-money]").forEach(function (input) {
    words(input);
    input.addEventListener("input", function () { words(input); });
  });
})();
