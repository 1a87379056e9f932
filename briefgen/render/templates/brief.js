// Progressive enhancement of the HTML brief. Without it every citation is a link to its
// footnote (the verbatim quotes) or, when the line rests on no quote of it, to its source's row.
// With it, hovering, focusing or tapping a citation shows one popover beside it: the footnote's
// quotes, if any, and the source's line (title,
// outlet, date, link, syndicated copy) copied from the page, never parsed from text. Tab moves
// into the popover's link; Escape, a second tap or a click elsewhere closes it.
(() => {
  "use strict";
  const pop = document.createElement("div");
  pop.className = "popover";
  pop.id = "popover";
  pop.setAttribute("role", "tooltip");
  pop.hidden = true;
  let current = null;
  let pinned = false;
  let timer = 0;
  let quiet = false; // focus given back by Escape shows nothing

  const linkOf = (node) => (node instanceof Element ? node.closest("a.cite-link") : null);

  const fill = (link) => {
    const target = document.getElementById(link.getAttribute("href").slice(1));
    const number = link.textContent.replace(/[[\]]/g, "");
    const row = document.getElementById(`src-${number}`);
    const parts = [];
    if (target && target.id.startsWith("ev-")) {
      for (const quote of target.querySelectorAll("q.quote")) parts.push(quote.cloneNode(true));
    }
    const line = row ? row.querySelector(".src") : null;
    if (line) {
      const source = line.cloneNode(true);
      source.prepend(`[${number}] `);
      parts.push(source);
    }
    pop.replaceChildren(...parts);
  };

  const place = (link) => {
    if (getComputedStyle(pop).position === "fixed") return; // a phone: a sheet at the bottom
    const box = link.getBoundingClientRect();
    const page = document.documentElement;
    const width = pop.offsetWidth;
    const left = Math.max(8, Math.min(box.left, page.clientWidth - width - 8));
    pop.style.left = `${Math.round(left + window.scrollX)}px`;
    pop.style.top = `${Math.round(box.bottom + window.scrollY + 4)}px`;
  };

  const show = (link, pin) => {
    clearTimeout(timer);
    if (current !== link) {
      current = link;
      fill(link);
      link.after(pop); // next in the tab order: the popover's link is reachable by keyboard
    }
    pinned = pin || pinned;
    pop.hidden = false;
    place(link);
  };

  const hide = () => {
    clearTimeout(timer);
    pop.hidden = true;
    pinned = false;
    current = null;
  };

  const hideSoon = () => {
    clearTimeout(timer);
    if (!pinned) timer = setTimeout(hide, 300);
  };

  document.addEventListener("click", (event) => {
    const link = linkOf(event.target);
    if (link) {
      event.preventDefault();
      if (current === link && pinned && !pop.hidden) hide();
      else show(link, true);
    } else if (!pop.contains(event.target)) {
      hide();
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !pop.hidden) {
      const link = current;
      hide();
      quiet = true;
      if (link) link.focus({ preventScroll: true });
      quiet = false;
    }
  });
  document.addEventListener("focusin", (event) => {
    const link = linkOf(event.target);
    if (quiet) return;
    if (link) show(link, false);
    else if (!pop.contains(event.target)) hide();
  });
  document.addEventListener("focusout", (event) => {
    // Focus left to nothing (the window, or a click on plain text): close, unless the reader
    // pinned the popover or is pointing at it.
    const from = event.target;
    if (event.relatedTarget || pinned || !(linkOf(from) || pop.contains(from))) return;
    if (!pop.matches(":hover")) hideSoon();
  });
  document.addEventListener("mouseover", (event) => {
    const link = linkOf(event.target);
    if (link) show(link, false);
    else if (pop.contains(event.target)) clearTimeout(timer);
  });
  document.addEventListener("mouseout", (event) => {
    if (linkOf(event.target) || pop.contains(event.target)) hideSoon();
  });
  window.addEventListener("resize", () => { if (current && !pop.hidden) place(current); });
})();
