// Quick exit: leave at once, replacing this page in the history; Escape does the same.
// The portal also keeps itself to one entry in the history: a link to another portal page
// replaces the current one, so that after a quick exit Back does not lead to the portal.
(function () {
  var link = document.querySelector("[data-quick-exit]");
  if (!link) { return; }
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.body.style.visibility = "hidden";
    window.location.replace(link.href);
  }
  link.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { leave(event); }
  });
  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey) { return; }
    var target = event.target.closest ? event.target.closest("a[href]") : null;
    if (!target || target === link || target.hasAttribute("download") ||
        (target.target && target.target !== "_self")) { return; }
    var url = new URL(target.href, window.location.href);
    if (url.origin !== window.location.origin || url.pathname.indexOf("/static/") === 0) { return; }
    if (url.pathname === window.location.pathname && url.hash) { return; }  // a jump within the page
    event.preventDefault();
    window.location.replace(url.href);
  });
})();
