// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
  // htmx remembers the current address in sessionStorage; a visitor's searches stay off
  // the device (the address bar and history are the browser's, and the safety page says so).
  const forget = () => {
    try {
      sessionStorage.removeItem("htmx-current-path-for-history");
    } catch (_) {
      // Storage refused: nothing was kept.
    }
  };
  forget();
  for (const event of ["htmx:pushedIntoHistory", "htmx:replacedInHistory", "htmx:historyRestore"]) {
    document.body.addEventListener(event, forget);
  }
  // Quick exit: the button, or Esc twice within a second, replaces this page with a
  // neutral site; replace() leaves no entry for Back to return to.
  const exit = document.querySelector("[data-quick-exit]");
  if (!exit) return;
  const leave = (event) => {
    event.preventDefault();
    document.title = "";
    document.body.hidden = true;
    window.location.replace(exit.href);
  };
  exit.addEventListener("click", leave);
  let lastEscape = 0;
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const now = Date.now();
    if (now - lastEscape < 1000) leave(event);
    lastEscape = now;
  });
});
