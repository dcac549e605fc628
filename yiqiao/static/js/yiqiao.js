// Small behaviours without inline scripts (the Content-Security-Policy forbids them).
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el instanceof HTMLSelectElement && el.hasAttribute("data-autosubmit")) {
    el.form.submit();
  }
});
document.addEventListener("click", (event) => {
  const el = event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
// Keep the export link in step with the filters that htmx pushes into the address bar.
document.addEventListener("htmx:pushedIntoHistory", () => {
  const link = document.getElementById("export-link");
  if (link) {
    link.href = link.href.split("?")[0] + window.location.search;
  }
});
