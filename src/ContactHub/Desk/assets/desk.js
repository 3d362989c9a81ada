// ContactHub agent desk: the little the pages need beyond HTML. Everything works without it, only less live.
(function () {
  "use strict";
  // Dates follow the browser's own locale (en-GB writes 26/11/2026), whichever language the page's words are in.
  const lang = navigator.language || document.documentElement.lang || undefined;

  // Times arrive in UTC; show them in the agent's own zone and language.
  function localTimes(root) {
    root.querySelectorAll("time[datetime]").forEach(t => {
      const d = new Date(t.getAttribute("datetime"));
      if (!isNaN(d)) t.textContent = d.toLocaleString(lang, { dateStyle: "short", timeStyle: "short" });
    });
  }

  // Times typed in datetime-local fields are wall-clock times in the agent's zone: the server needs to know which.
  function timeZones(root) {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) root.querySelectorAll("input[data-time-zone]").forEach(i => { i.value = zone; });
  }

  // The active list refreshes itself every 3 seconds, keeping keyboard focus where it was.
  function refreshActive() {
    const list = document.getElementById("active-list");
    if (!list) return;
    setInterval(async () => {
      try {
        const response = await fetch(list.dataset.refresh, { headers: { "Accept": "text/html" }, credentials: "same-origin" });
        if (!response.ok) return;
        const focused = document.activeElement && document.activeElement.closest("[data-conversation]");
        const focusedId = focused && focused.dataset.conversation;
        const holder = document.createElement("div");
        holder.innerHTML = await response.text();
        const fresh = holder.querySelector("#active-list");
        if (!fresh || fresh.innerHTML === list.innerHTML) return;
        list.innerHTML = fresh.innerHTML;
        localTimes(list);
        if (focusedId) {
          const again = list.querySelector(`[data-conversation="${focusedId}"] a`);
          if (again) again.focus();
        }
      } catch (e) { /* offline for a moment: the next tick tries again */ }
    }, 3000);
  }

  // The timeline loads its next page when the "load more" item scrolls into view.
  function infiniteTimeline() {
    const timeline = document.getElementById("timeline");
    if (!timeline || !("IntersectionObserver" in window)) return;
    const observer = new IntersectionObserver(async entries => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        const more = entry.target;
        observer.unobserve(more);
        const response = await fetch(more.dataset.next, { credentials: "same-origin" });
        if (!response.ok) return;
        const holder = document.createElement("ol");
        holder.innerHTML = await response.text();
        localTimes(holder);
        more.replaceWith(...holder.children);
        watch();
      }
    });
    const watch = () => timeline.querySelectorAll("li.more[data-next]").forEach(m => observer.observe(m));
    watch();
  }

  // Filters apply as soon as they change.
  function autosubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach(s => s.addEventListener("change", () => s.form.submit()));
  }

  document.addEventListener("DOMContentLoaded", () => {
    localTimes(document);
    timeZones(document);
    refreshActive();
    infiniteTimeline();
    autosubmit();
  });
})();
