// The stakeholder page, live: the countdown ticks each second, and the server's stream
// replaces the page's live part whenever the incident changes. Without this script the
// page reloads itself (a <noscript> refresh). The HTML the stream sends was rendered by the
// server with every user text escaped; nothing here builds markup from text.
"use strict";
(function () {
  const live = document.getElementById("live");
  if (!live) {
    return;
  }
  let skew = 0; // the server's clock minus this browser's, in milliseconds

  function two(n) {
    return String(n).padStart(2, "0");
  }

  function face(seconds) {
    const days = Math.floor(seconds / 86400);
    const hours = Math.floor((seconds % 86400) / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    const rest = seconds % 60;
    if (days) {
      return days + "d " + two(hours) + ":" + two(minutes) + ":" + two(rest);
    }
    if (hours) {
      return hours + ":" + two(minutes) + ":" + two(rest);
    }
    return two(minutes) + ":" + two(rest);
  }

  function synchronise() {
    const countdown = document.getElementById("countdown");
    if (countdown) {
      skew = Date.parse(countdown.dataset.now) - Date.now();
    }
  }

  function tick() {
    const countdown = document.getElementById("countdown");
    const clock = document.getElementById("clock");
    if (!countdown || !clock || countdown.dataset.active !== "yes") {
      return;
    }
    const left = Math.round((Date.parse(countdown.dataset.due) - (Date.now() + skew)) / 1000);
    if (left < 0) {
      countdown.classList.add("overdue");
      clock.textContent = "UPDATE OVERDUE +" + face(-left);
    } else {
      countdown.classList.remove("overdue");
      clock.textContent = "Next update in " + face(left);
    }
  }

  synchronise();
  tick();
  window.setInterval(tick, 1000);

  if (!window.EventSource) {
    return;
  }
  const stream = new EventSource(live.dataset.stream);
  stream.addEventListener("state", function (message) {
    const state = JSON.parse(message.data);
    live.innerHTML = state.html;
    document.title = state.title;
    synchronise();
    tick();
  });
})();
