// The MIS's own handlers on tests/e2e/pages/teach-card.html: any click on the page's own
// elements is counted (teach mode must not let one through). A file, so a strict CSP allows it.
let clicks = 0;
for (const type of ['mousedown', 'click']) {
  window.addEventListener(type, (e) => { if (document.body.contains(e.target)) document.body.dataset[type] = String(++clicks); }, true);
}
