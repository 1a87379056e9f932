// Progressive enhancement of the HTML brief: without it, citations still show their quotes on
// hover and focus (CSS) and link to the footnotes. With it, a tap or click toggles the popover
// instead of jumping away, Escape closes it, and a popover near the edge moves into view.
(() => {
  "use strict";
  const citeOf = (node) => (node instanceof Element ? node.closest(".cite") : null);
  const fit = (cite) => {
    const pop = cite.querySelector(".pop");
    if (!pop || getComputedStyle(pop).position === "fixed") return;
    pop.style.removeProperty("--shift");
    const box = pop.getBoundingClientRect();
    const room = document.documentElement.clientWidth - 8;
    if (box.right > room) pop.style.setProperty("--shift", `${Math.round(Math.max(8 - box.left, room - box.right))}px`);
  };
  const closeAll = (except) => {
    for (const cite of document.querySelectorAll(".cite.open")) {
      if (cite !== except) cite.classList.remove("open");
    }
  };
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest(".cite-link") : null;
    if (link) {
      event.preventDefault();
      const cite = link.parentElement;
      const shown = getComputedStyle(cite.querySelector(".pop")).display !== "none";
      closeAll(cite);
      cite.classList.toggle("open", !shown);
      cite.classList.toggle("shut", shown);
      if (!shown) fit(cite);
      return;
    }
    if (!citeOf(event.target)) closeAll(null);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const cite = citeOf(document.activeElement);
    closeAll(null);
    if (cite) cite.classList.add("shut");
  });
  const unshut = (event) => {
    const cite = citeOf(event.target);
    if (cite && !cite.contains(event.relatedTarget)) cite.classList.remove("shut");
  };
  document.addEventListener("focusout", unshut);
  document.addEventListener("mouseout", unshut);
  document.addEventListener("focusin", (event) => { const cite = citeOf(event.target); if (cite) fit(cite); });
  document.addEventListener("mouseover", (event) => { const cite = citeOf(event.target); if (cite) fit(cite); });
})();
