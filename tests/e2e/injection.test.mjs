// Injection, end to end: every hostile payload (tests/e2e/payloads.mjs) is placed in every
// field of a demo card (text of every value the site profile reads, and the id attributes),
// served as a page, and checked with the real extension: all of them on the content script
// path (a page without CSP), the parser-sensitive ones and one of each other kind on the
// offscreen engine path (a copy of a strict-CSP page).
// Nothing executes (no dialog, no request to /beacon/*, no page error), nothing is rendered
// as markup (only the overlay's own elements, only dial/messenger links, the payload shown as
// text), and the overlay stays within its box and the viewport.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  launchBrowser, readOverlays, setSettings, startDemoMis, startPageServer, TEST_CLOCK, waitForOverlay,
} from './harness.mjs';
import { PAYLOADS } from './payloads.mjs';

// Every value of the card (demo/mis/MARKUP.md): its text is replaced by the payload.
const FIELDS = [
  '.patient-family', '.patient-given', '.patient-patronymic', '.patient-id', '.patient-birth-date', '.patient-sex',
  '.contact-value', '.contact-kind', '.contact-owner', '.contact-messengers .messenger', '.contact-primary',
  '.service-note', '.consent-calls', '.consent-messages', '.consent-advertising', '.flag-do-not-contact',
  '.appt-start', '.appt-doctor', '.appt-specialty', '.appt-service', '.appt-status',
  '.visit-date', '.visit-doctor', '.visit-specialty', '.service-code', '.service-name', '.service-price', '.service-discount',
  '.refusal-date', '.refusal-service', '.refusal-reason',
  '.plan-id', '.plan-created', '.plan-doctor', '.plan-specialty', '.plan-signed', '.plan-decision',
  '.plan-item-name', '.plan-item-urgency', '.plan-item-status', '.plan-item-due',
  '.recall-kind', '.recall-due', '.recall-agreed', '.recall-channel', '.recall-set-by',
  '.relative-name', '.relative-relation', '.relative-booked', '.relative-due',
  '.comm-at', '.comm-channel', '.comm-direction', '.comm-purpose', '.comm-outcome', '.comm-note',
  '.feedback-date', '.feedback-sentiment', '.feedback-text',
];
const ATTRIBUTES = ['data-patient-id', 'data-relative-id', 'data-plan-id'];
/** The overlay's own elements; anything else came from the page. */
const OVERLAY_ELEMENTS = new Set(['#document-fragment', 'div', 'header', 'span', 'button', 'p', 'section', 'h3', 'ul', 'li',
  'details', 'summary', 'a', 'style']);
const SAFE_LINK = /^(https:\/\/(wa\.me|api\.whatsapp\.com|t\.me)\/|sms:|mailto:|tel:|tg:|viber:)/i;
const BASE_CARD = '1020'; // the demo patient with every section filled in

let mis;
let open;
let strict;
let browser;
let template;

before(async () => {
  mis = await startDemoMis({ csp: false });
  open = await startPageServer({ csp: false });
  strict = await startPageServer({ csp: true });
  browser = await launchBrowser();
  await setSettings(browser.worker, { config: null, clock: TEST_CLOCK });
  template = await browser.context.newPage();
  await template.goto(`${mis.base}/patients/${BASE_CARD}`);
  const missing = await template.evaluate((fields) => fields.filter((f) => !document.querySelector(f)), FIELDS);
  assert.deepEqual(missing, [], 'the base card has every field');
});

after(async () => {
  await browser?.close();
  mis?.stop();
  await open?.stop();
  await strict?.stop();
});

/** The base card with `text` in every field, as served HTML (the DOM does the escaping). */
function hostileCard(text) {
  return template.evaluate(({ text, fields, attributes }) => {
    const doc = document.documentElement.cloneNode(true);
    doc.querySelectorAll('precall-overlay, precall-fallback, script').forEach((n) => n.remove());
    for (const f of fields) doc.querySelectorAll(f).forEach((n) => { n.textContent = text; });
    for (const a of attributes) doc.querySelectorAll(`[${a}]`).forEach((n) => n.setAttribute(a, text));
    doc.querySelectorAll('#patient-card a[href]').forEach((n) => n.setAttribute('href', text));
    return `<!doctype html>${doc.outerHTML}`;
  }, { text, fields: FIELDS, attributes: ATTRIBUTES });
}

const norm = (s) => s.replace(/\s+/g, ' ').trim();

async function checkPayload(server, i, payload, failures) {
  const path = `/patients/hostile-${i}`;
  server.pages.set(path, await hostileCard(payload.text));
  const page = await browser.context.newPage();
  const dialogs = [];
  const errors = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('pageerror', (e) => errors.push(e.message));
  const label = `#${i} (${payload.kind}) ${JSON.stringify(payload.text.slice(0, 40))}`;
  try {
    await page.goto(server.base + path);
    const { overlay, all } = await waitForOverlay(page, (o) => o.verdict || o.message, { timeout: 15000 });
    await page.waitForTimeout(50);
    const problems = [];
    if (all.length !== 1) problems.push(`${all.length} overlays`);
    if (overlay.shadowMode !== 'closed') problems.push(`shadow root ${overlay.shadowMode}`);
    const foreign = overlay.elementNames.filter((n) => !OVERLAY_ELEMENTS.has(n));
    if (foreign.length) problems.push(`page markup in the overlay: ${[...new Set(foreign)]}`);
    for (const href of overlay.links) if (!SAFE_LINK.test(href)) problems.push(`link ${href.slice(0, 60)}`);
    if (payload.text.includes('<') && payload.text.length < 500 && !norm(overlay.text).includes(norm(payload.text))) {
      problems.push(`the payload is not shown as text: ${overlay.message || overlay.verdict} ${JSON.stringify(overlay.text.slice(0, 200))}`);
    }
    const box = await page.evaluate(() => {
      const r = document.querySelector('precall-overlay').getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, vw: innerWidth, vh: innerHeight };
    });
    if (box.left < 0 || box.top < 0 || box.right > box.vw || box.bottom > box.vh || box.width > 400) {
      problems.push(`overlay out of bounds ${JSON.stringify(box)}`);
    }
    if (dialogs.length) problems.push(`dialogs ${dialogs}`);
    if (errors.length) problems.push(`page errors ${errors}`);
    if (problems.length) failures.push(`${label}: ${problems.join('; ')}`);
  } catch (err) {
    failures.push(`${label}: ${err.message.slice(0, 300)}`);
  } finally {
    await page.close();
    server.pages.delete(path);
  }
}

// The engine path reads a copy of the page re-parsed by DOMParser: every payload the HTML
// parser treats specially, and one of each other kind (the rest is the same code as above).
const PARSER_KINDS = new Set(['html', 'script', 'svg', 'css']);
const ENGINE_PAYLOADS = PAYLOADS.map((p, i) => [i, p])
  .filter(([i, p]) => PARSER_KINDS.has(p.kind) || PAYLOADS.findIndex((q) => q.kind === p.kind) === i);

for (const [name, server, payloads] of [
  ['content script (page without CSP)', () => open, [...PAYLOADS.entries()]],
  ['engine page (strict CSP)', () => strict, ENGINE_PAYLOADS],
]) {
  test(`${payloads.length} hostile payloads in every field: ${name}`, async () => {
    assert.ok(PAYLOADS.length >= 50);
    const s = server();
    const failures = [];
    const started = Date.now();
    // Two tabs at a time (the pages are independent).
    const queue = [...payloads];
    await Promise.all(Array.from({ length: 2 }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await checkPayload(s, next[0], next[1], failures);
    }));
    const beacons = s.log.filter((l) => l.includes('/beacon'));
    console.log(`# ${name}: ${payloads.length} pages in ${Date.now() - started} ms`);
    assert.deepEqual(beacons, [], 'nothing on the page loaded or ran');
    assert.deepEqual(failures, []);
  });
}

test('a page cannot read the overlay\'s text through the DOM', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${mis.base}/patients/${BASE_CARD}`);
  await waitForOverlay(page);
  const seen = await page.evaluate(() => {
    const host = document.querySelector('precall-overlay');
    return { text: host.textContent, html: host.innerHTML, shadow: host.shadowRoot, children: host.children.length };
  });
  assert.deepEqual(seen, { text: '', html: '', shadow: null, children: 0 });
  assert.equal((await readOverlays(page)).length, 1);
  await page.close();
});
