// Small behaviours wired by data attributes (no inline scripts).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
