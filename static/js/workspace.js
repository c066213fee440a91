// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Keep "in 3 days, 2 hours" countdowns ticking.
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  function describe(ms) {
    var minutes = Math.floor(ms / 60000);
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    if (days >= 60) { return "in " + plural(Math.floor(days / 30.44), "month") + " (" + plural(days, "day") + ")"; }
    if (days >= 1) { return "in " + plural(days, "day") + ", " + plural(hours, "hour"); }
    if (hours >= 1) { return "in " + plural(hours, "hour") + ", " + plural(minutes % 60, "minute"); }
    return "in " + plural(Math.max(minutes, 0), "minute");
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var left = Date.parse(el.getAttribute("data-countdown")) - now;
      el.textContent = left > 0 ? describe(left) : "passed";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (document.querySelector("[data-countdown]")) {
      tick();
      window.setInterval(tick, 60000);
    }
    // After a failed submit, move focus to the summary of errors so screen readers announce it.
    var errors = document.getElementById("form-errors");
    if (errors) { errors.focus(); }
  });
})();
