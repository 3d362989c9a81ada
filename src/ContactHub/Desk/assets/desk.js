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

  // Replaces a live region with the same region of a fresh copy of its page, keeping keyboard focus where it was.
  async function redraw(region, url) {
    const response = await fetch(url, { headers: { "Accept": "text/html" }, credentials: "same-origin" });
    if (!response.ok) return;
    const focused = document.activeElement && document.activeElement.closest("[data-conversation]");
    const focusedId = focused && focused.dataset.conversation;
    const holder = document.createElement("div");
    holder.innerHTML = await response.text();
    const fresh = holder.querySelector("#" + region.id);
    if (!fresh || fresh.innerHTML === region.innerHTML) return;
    region.innerHTML = fresh.innerHTML;
    localTimes(region);
    if (focusedId) {
      const again = region.querySelector(`[data-conversation="${focusedId}"] a`);
      if (again) again.focus();
    }
  }

  // The active list and the open conversation follow the event stream (/desk/events) and redraw as soon as something
  // happens to them. While the stream is down they poll every 3 seconds instead; when it comes back they catch up once.
  function live() {
    const list = document.getElementById("active-list");
    const pane = document.getElementById("conversation-live");
    if (!list && !pane) return;
    // A burst of events (an import, a busy minute) redraws once per 100 ms, not once per event.
    const coalesced = redrawOnce => { let timer = null; return () => { if (!timer) timer = setTimeout(() => { timer = null; redrawOnce(); }, 100); }; };
    const refreshList = coalesced(() => list && redraw(list, list.dataset.refresh).catch(() => {}));
    const refreshPane = coalesced(() => pane && redraw(pane, location.href).catch(() => {}));
    let polling = null;
    const poll = on => {
      if (on && !polling) polling = setInterval(() => { refreshList(); refreshPane(); }, 3000);
      if (!on && polling) { clearInterval(polling); polling = null; }
    };
    if (!("EventSource" in window)) { poll(true); return; }
    const desk = document.getElementById("desk");
    const source = new EventSource((desk && desk.dataset.events) || "/desk/events");
    let opened = false;
    source.onopen = () => {
      poll(false);
      if (opened) { refreshList(); refreshPane(); } // back after a drop: what happened meanwhile
      opened = true;
      document.documentElement.dataset.live = "stream";
    };
    source.onerror = () => { poll(true); document.documentElement.dataset.live = "polling"; };
    const changed = e => {
      let event = null;
      try { event = JSON.parse(e.data); } catch (_) { return; }
      refreshList();
      if (pane && event.data && String(event.data.conversationId) === pane.dataset.conversationId) refreshPane();
    };
    ["interaction.recorded", "interaction.status-changed", "conversation.started", "conversation.assigned", "conversation.ended"]
      .forEach(type => source.addEventListener(type, changed));
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
    live();
    infiniteTimeline();
    autosubmit();
  });
})();
