// End to end, the report page (issue 8, "Reports"): the known log of the native fixtures
// (tests/fixtures/report/known/) stored as the service worker stores it, the page's numbers,
// tables, charts and CSV checked against the same expected files; the caller filter and the
// keyboard; and a log of 50,000 entries, whose totals the test counts itself (the time the page
// took is printed, not asserted).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser, logKey, ROOT } from './harness.mjs';

const KNOWN = path.join(ROOT, 'tests/fixtures/report/known');
const log = JSON.parse(readFileSync(path.join(KNOWN, 'log.json'), 'utf8'));
const expected = JSON.parse(readFileSync(path.join(KNOWN, 'november_by_week/expected.json'), 'utf8'));
const expectedCsv = readFileSync(path.join(KNOWN, 'november_by_week/expected.csv'), 'utf8');
const smith = JSON.parse(readFileSync(path.join(KNOWN, 'smith_by_day/expected.json'), 'utf8'));

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** Stores entries as the service worker does: one record per MIS origin and patient. */
async function seed(entries, settings) {
  const records = {};
  for (const e of entries) {
    const key = logKey(e.origin, e.patient);
    (records[key] ||= { schema: 'precall.calllog', version: 1, entries: [] }).entries.push(e);
  }
  await browser.worker.evaluate(async ({ records, settings }) => {
    await chrome.storage.local.clear();
    await chrome.storage.local.set({ ...records, ...(settings ? { settings } : {}) });
  }, { records, settings });
}

const squash = (s) => String(s).replace(/\s+/g, ' ').trim();
const digits = (s) => String(s).replace(/\D/g, '');
const percent = (x) => squash((x).toLocaleString('ru', { style: 'percent', maximumFractionDigits: 1 }));

async function openReport() {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/extension/report.html`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 60000 });
  return page;
}

/** Sets the period, step and caller as a user would, and waits for the page to redraw. */
async function choose(page, { from, to, by, caller }) {
  const drawn = () => page.evaluate(() => document.body.dataset.drawMs);
  for (const [id, value] of [['from', from], ['to', to]]) {
    if (value === undefined) continue;
    await page.fill(`#${id}`, value);
    await page.dispatchEvent(`#${id}`, 'change');
  }
  if (by) await page.selectOption('#by', by);
  if (caller !== undefined) await page.selectOption('#caller', caller);
  return drawn();
}

const text = (page, id) => page.textContent(`#${id}`).then(squash);

async function tableRows(page, id) {
  return page.$$eval(`#${id} tbody tr`, (rows) => rows.map((r) => [...r.children].map((c) => c.textContent.replace(/\s+/g, ' ').trim())));
}

test('the known log: the numbers, tables, charts and CSV the page shows', async () => {
  await seed(log.entries, { config: { attempt_cap: 3, cooldown_days: 2 } });
  const page = await openReport();
  await choose(page, { from: '2026-11-01', to: '2026-11-30', by: 'week', caller: '*' });
  const t = expected.totals;
  assert.match(await text(page, 'status'), new RegExp(`\\b${log.entries.length}\\b`));
  assert.equal(await text(page, 'total-contacts'), String(t.contacts));
  assert.equal(await text(page, 'share-booked'), percent(t.booked_share));
  assert.equal(await text(page, 'share-unanswered'), percent(t.unanswered_share));
  assert.equal(await text(page, 'share-justified'), percent(t.justified_share));
  assert.match(await text(page, 'note-booked'), new RegExp(`${t.booked}\\D+${t.with_outcome}`));
  assert.match(await text(page, 'note-justified'), new RegExp(`${t.justified}\\D+${t.contacts}`));
  assert.equal(await text(page, 'total-overrides'), String(t.overrides));
  assert.equal(await text(page, 'total-over-cadence'), String(t.over_cadence_patients));

  // By caller: the names (a caller with no name in words), and every number.
  const callers = await tableRows(page, 'callers');
  assert.deepEqual(callers, expected.callers.map((c) => [c.caller || 'без имени', ...[c.contacts, c.booked, c.unanswered, c.justified, c.overrides, c.over_cadence].map(String)]));
  // Overrides with their reasons; the patients over the cadence, most breaches first.
  const overrides = await tableRows(page, 'overrides');
  assert.deepEqual(overrides.map((r) => [r[2], r[4]]), expected.overrides.map((o) => [o.patient, o.reason]));
  const reasons = await tableRows(page, 'override-reasons');
  assert.deepEqual(reasons.map((r) => r[0]).sort(), expected.overrides.map((o) => o.reason).sort());
  const cadence = await tableRows(page, 'cadence');
  assert.deepEqual(cadence.map((r) => [r[0], r[1], r[3]]), expected.cadence.map((c) => [c.patient, c.origin, String(c.breaches)]));
  assert.match(await text(page, 'cadence-about'), /\b3\b.*\b2\b/);

  // The charts: one bar per week with its total; the legend names the callers; outcomes drawn.
  const bars = await page.$$eval('#contacts-chart svg g.bar > title', (ts) => ts.map((x) => x.textContent));
  assert.deepEqual(bars.map((b) => Number(/(\d+)$/.exec(b)[1])), expected.buckets.map((b) => b.total));
  assert.deepEqual(await page.$$eval('#legend li', (li) => li.map((x) => x.textContent)), ['Ковалёва Елена', 'Smith, John', 'без имени']);
  const outcomeBars = await page.$$eval('#outcomes-chart svg g.bar > title', (ts) => ts.map((x) => x.textContent));
  assert.equal(outcomeBars.length, expected.outcomes.filter((o) => o.count > 0).length);
  assert.ok(outcomeBars.some((b) => /^Не ответил: 7 /.test(b)), outcomeBars.join(' | '));

  // The CSV of what is shown: the same bytes as the native fixture's.
  const download = page.waitForEvent('download');
  await page.focus('#export-csv');
  await page.keyboard.press('Enter');
  const file = await (await download).path();
  assert.equal(readFileSync(file, 'utf8'), expectedCsv);

  // The caller filter, by day.
  await choose(page, { by: 'day', caller: 'Smith, John' });
  assert.equal(await text(page, 'total-contacts'), String(smith.totals.contacts));
  assert.equal(await text(page, 'share-booked'), percent(smith.totals.booked_share));
  assert.equal(await page.$$eval('#contacts-chart svg g.bar', (g) => g.length), 30);
  assert.deepEqual((await tableRows(page, 'callers')).map((r) => r[0]), ['Smith, John']);

  // A period that ends before it starts is said, not drawn.
  await choose(page, { from: '2026-12-01', to: '2026-11-01' });
  assert.match(await text(page, 'problem'), /\S/);
  await page.close();
});

test('every word the page shows is in both _locales (ru and en)', () => {
  const html = readFileSync(path.join(ROOT, 'extension/report.html'), 'utf8');
  const js = readFileSync(path.join(ROOT, 'extension/report.js'), 'utf8');
  const keys = new Set([...html.matchAll(/data-i18n(?:-label)?="([^"]+)"/g)].map((m) => m[1]));
  for (const [, k] of js.matchAll(/\bt\('([a-z_]+)'/g)) keys.add(k);
  // Keys made from the core's names: every outcome and every cadence breach.
  for (const o of expected.outcomes) keys.add(`report_outcome_${o.outcome}`);
  for (const b of ['do_not_contact', 'attempt_cap', 'cooldown']) keys.add(`report_breach_${b}`);
  assert.ok(keys.size > 40, `${keys.size} keys`);
  for (const lang of ['ru', 'en']) {
    const messages = JSON.parse(readFileSync(path.join(ROOT, `_locales/${lang}/messages.json`), 'utf8'));
    const missing = [...keys].filter((k) => !messages[k] || !messages[k].message);
    assert.deepEqual(missing, [], `${lang}: missing ${missing}`);
  }
});

test('in English: the words, the unnamed caller and the numbers in the English format', async () => {
  const en = await launchBrowser({ lang: 'en' });
  try {
    const records = {};
    for (const e of log.entries) (records[logKey(e.origin, e.patient)] ||= { schema: 'precall.calllog', version: 1, entries: [] }).entries.push(e);
    await en.worker.evaluate((r) => chrome.storage.local.set(r), records);
    const page = await en.context.newPage();
    await page.goto(`chrome-extension://${en.extensionId}/extension/report.html`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    await choose(page, { from: '2026-11-01', to: '2026-11-30', by: 'week', caller: '*' });
    assert.equal(squash(await page.textContent('h1')), 'Call report');
    assert.equal(await text(page, 'share-booked'), squash((expected.totals.booked_share).toLocaleString('en', { style: 'percent', maximumFractionDigits: 1 })));
    assert.deepEqual((await tableRows(page, 'callers')).map((r) => r[0]), ['Ковалёва Елена', 'Smith, John', 'not named']);
    assert.equal(await page.getAttribute('#contacts-chart svg', 'aria-label'), 'Contacts per period and caller');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  } finally {
    await en.close();
  }
});

test('the report is reached from the options page, by keyboard', async () => {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/extension/options.html`);
  await page.waitForFunction(() => document.querySelector('nav a[href="report.html"]').textContent.trim() !== '');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), 'report.html');
  await Promise.all([page.waitForURL(/report\.html$/), page.keyboard.press('Enter')]);
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  // Tab order: the settings link, then the period, step, caller and the export button.
  // (A date input takes one Tab per part: each part is counted once.)
  const order = [];
  for (let i = 0; i < 15 && order.at(-1) !== 'export-csv'; i += 1) {
    await page.keyboard.press('Tab');
    const at = await page.evaluate(() => document.activeElement.id || document.activeElement.getAttribute('href'));
    if (order.at(-1) !== at) order.push(at);
  }
  assert.deepEqual(order, ['options.html', 'from', 'to', 'by', 'caller', 'export-csv']);
  await page.close();
});

test('50,000 entries: the page shows the right totals (time printed)', async () => {
  const PATIENTS = 5000;
  const PER = 10;
  const OUTS = ['no_answer', 'reached', 'booked', 'busy', 'declined', 'no_answer', 'callback'];
  const PURPOSES = ['invite', 'reminder', 'offer', 'followup'];
  const generate = ({ PATIENTS, PER, OUTS, PURPOSES }) => {
    const records = {};
    for (let i = 0; i < PATIENTS; i += 1) {
      const patient = `p${i}`;
      const origin = i % 2 ? 'http://127.0.0.1:8765' : 'https://mis.clinic.example';
      const entries = [];
      for (let j = 0; j < PER; j += 1) {
        const day = String(((i * 7 + j * 3) % 30) + 1).padStart(2, '0');
        const hour = String(9 + ((i + j) % 10)).padStart(2, '0');
        const e = { id: `e${i}-${j}`, origin, patient, at: `2026-11-${day}T${hour}:00:00+03:00`, channel: 'call', caller: `Caller ${i % 5}` };
        if ((i + 2 * j) % 5) e.purpose = PURPOSES[(i + 2 * j) % 4];
        if ((i + j) % 11) e.outcome = OUTS[(i + j) % 7];
        if (e.outcome === 'callback') e.callback_at = '2026-12-01T12:00:00+03:00';
        entries.push(e);
      }
      records[`calllog:${JSON.stringify([origin, patient])}`] = { schema: 'precall.calllog', version: 1, entries };
    }
    return records;
  };
  const params = { PATIENTS, PER, OUTS, PURPOSES };
  const records = generate(params);
  const seeded = Date.now();
  await browser.worker.evaluate(async (records) => {
    await chrome.storage.local.clear();
    await chrome.storage.local.set(records);
  }, records);
  const bytes = await browser.worker.evaluate(() => chrome.storage.local.getBytesInUse(null));
  const seedMs = Date.now() - seeded;

  const all = Object.values(records).flatMap((r) => r.entries);
  const want = { contacts: all.length, booked: 0, withOutcome: 0, unanswered: 0, justified: 0 };
  for (const e of all) {
    if (e.outcome) want.withOutcome += 1;
    if (e.outcome === 'booked') want.booked += 1;
    if (e.outcome === 'no_answer' || e.outcome === 'busy') want.unanswered += 1;
    if (['invite', 'reminder', 'followup'].includes(e.purpose)) want.justified += 1;
  }
  assert.equal(want.contacts, 50000);

  const opened = Date.now();
  const page = await openReport();
  const openMs = Date.now() - opened;
  const perf = await page.evaluate(() => ({ ...document.body.dataset }));
  const changed = Date.now();
  await choose(page, { from: '2026-11-01', to: '2026-11-30' });
  const dayDraw = await choose(page, { by: 'day' });
  const changeMs = Date.now() - changed;
  assert.equal(digits(await text(page, 'total-contacts')), String(want.contacts));
  assert.equal((await text(page, 'note-booked')).replace(/\s/g, ''), `изконтактовситогом:${want.booked}из${want.withOutcome}`);
  assert.equal(await text(page, 'share-booked'), percent(want.booked / want.withOutcome));
  assert.equal(await text(page, 'share-unanswered'), percent(want.unanswered / want.withOutcome));
  assert.equal(await text(page, 'share-justified'), percent(want.justified / want.contacts));
  assert.equal(await page.$$eval('#contacts-chart svg g.bar', (g) => g.length), 30);
  assert.equal((await tableRows(page, 'callers')).length, 5);
  // The CSV still has every patient over the cadence; the table shows the first 200.
  const cadenceTotal = Number(digits(await text(page, 'total-over-cadence')));
  assert.ok((await tableRows(page, 'cadence')).length <= 200);
  console.log(`report 50,000 entries (${(bytes / 1048576).toFixed(1)} MB stored, seeded in ${seedMs} ms): page open to totals ${openMs} ms `
    + `(storage read ${perf.readMs} ms, core load ${perf.parseMs} ms, first draw ${perf.drawMs} ms); period and step changed in ${changeMs} ms (by-day draw ${dayDraw} ms); `
    + `patients over the cadence: ${cadenceTotal}`);
  await page.close();
});
