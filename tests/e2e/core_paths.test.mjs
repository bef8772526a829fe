// The core runs in one of two places: in the content script (the page allows WebAssembly),
// or in the offscreen engine page on a copy of the page (the page's CSP forbids it; and a new
// page's first check, while the page's own core loads). Both give the same overlay; the
// engine is only started when a page needs it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  countEngineMessages, demoPatients, engineCount, launchBrowser, logKey, readOverlays, setSettings, startDemoMis, TEST_CLOCK,
  waitForEngines, waitForOverlay,
} from './harness.mjs';

let open;
let strict;
let browser;
let patients;

before(async () => {
  patients = await demoPatients();
  open = await startDemoMis({ csp: false });
  strict = await startDemoMis({ csp: true });
  browser = await launchBrowser();
  await setSettings(browser.worker, { config: null, clock: TEST_CLOCK });
});

after(async () => {
  await browser?.close();
  open?.stop();
  strict?.stop();
});

test('without a page CSP: a new page goes ahead to a running engine page, then the content script\'s core checks the SPA switches', async () => {
  const sent = await countEngineMessages(browser);
  const [a, b, c] = [patients[1], patients[2], patients[0]];
  // A fresh browser runs no engine page: the first page's own core checks it (no copy is
  // sent), and then the worker is asked to start the engine page.
  const one = await browser.context.newPage();
  const response = await one.goto(`${open.base}/app/patients/${a.patient.id}`);
  assert.equal(response.headers()['content-security-policy'], undefined);
  const first = await waitForOverlay(one, (o) => o.verdict === a.scenario.expect.verdict);
  assert.match(first.overlay.who, new RegExp(a.patient.family));
  await waitForEngines(browser.worker, 1);
  assert.deepEqual(await sent(), { ahead: 0, plain: 0, start: 1 });
  await one.close();
  // The next new page's first check is the engine page's: its copy goes ahead and is answered
  // (no second request to start an engine page).
  const two = await browser.context.newPage();
  await two.goto(`${open.base}/app/patients/${b.patient.id}`);
  const second = await waitForOverlay(two, (o) => o.who && o.who.includes(b.patient.family));
  assert.equal(second.overlay.verdict, b.scenario.expect.verdict);
  assert.deepEqual(await sent(), { ahead: 1, plain: 0, start: 1 });
  // The page's own core takes over (it loads after the first overlay) and checks the page
  // once more without drawing it again; SPA switches then send no copy anywhere.
  await two.waitForTimeout(1500);
  assert.equal((await readOverlays(two)).length, 1);
  await two.click(`a[href$="/patients/${c.patient.id}"]`);
  const third = await waitForOverlay(two, (o) => o.who && o.who.includes(c.patient.family));
  assert.equal(third.overlay.verdict, c.scenario.expect.verdict);
  assert.equal(third.all.length, 1);
  assert.deepEqual(await sent(), { ahead: 1, plain: 0, start: 1 });
  assert.equal(await engineCount(browser.worker), 1);
  await two.close();
});

test('the same patient reads the same on both paths', async () => {
  // The content script's core: SPA switches in one tab, after it has taken over from the
  // engine page (which checked the tab's first patient); the switches send no copy.
  const sent = await countEngineMessages(browser);
  const start = patients.at(-1);
  const tab = await browser.context.newPage();
  await tab.goto(`${open.base}/app/patients/${start.patient.id}`);
  await waitForOverlay(tab, (o) => o.who && o.who.includes(start.patient.family));
  await tab.waitForTimeout(1500);
  for (const p of patients.slice(0, 6)) {
    const copies = await sent();
    await tab.click(`a[href$="/patients/${p.patient.id}"]`);
    const direct = (await waitForOverlay(tab, (o) => o.who && o.who.includes(p.patient.family))).overlay;
    assert.deepEqual(await sent(), copies, 'the switch was checked in the page');
    const two = await browser.context.newPage();
    await two.goto(`${strict.base}/app/patients/${p.patient.id}`);
    const engine = (await waitForOverlay(two, (o) => o.who && o.who.includes(p.patient.family))).overlay;
    assert.deepEqual(engine.groups, direct.groups, `patient ${p.patient.id}`);
    assert.equal(engine.verdict, direct.verdict);
    await two.close();
  }
  assert.equal(await engineCount(browser.worker), 1, 'one engine page serves every tab');
  await tab.close();
});

test('on a strict-CSP page SPA switches re-check through the engine, found by the key probe', async () => {
  const [a, b] = [patients[3], patients[4]];
  const page = await browser.context.newPage();
  await page.goto(`${strict.base}/app/patients/${a.patient.id}`);
  const first = await waitForOverlay(page, (o) => o.who && o.who.includes(a.patient.family));
  assert.equal(first.overlay.verdict, a.scenario.expect.verdict);
  await page.click(`a[href$="/patients/${b.patient.id}"]`);
  const second = await waitForOverlay(page, (o) => o.who && o.who.includes(b.patient.family));
  assert.equal(second.overlay.verdict, b.scenario.expect.verdict);
  assert.equal(second.all.length, 1);
  await page.close();
});

test('the page copy goes to a running engine page directly, not through the worker; an engine page gone is started again', async () => {
  const [a, b, c, d] = [patients[0], patients[3], patients[4], patients[5]];
  // The worker's relays (its own messages to the engine page), counted where it sends them.
  await browser.worker.evaluate(() => {
    self.relays = 0;
    const send = chrome.runtime.sendMessage.bind(chrome.runtime);
    chrome.runtime.sendMessage = (m, ...rest) => {
      if (m && m.type === 'precall:engine-check') self.relays += 1;
      return send(m, ...rest);
    };
  });
  const relays = () => browser.worker.evaluate(() => self.relays);
  const page = await browser.context.newPage();
  await page.goto(`${strict.base}/app/patients/${a.patient.id}`);
  await waitForOverlay(page, (o) => o.who && o.who.includes(a.patient.family));
  assert.equal(await engineCount(browser.worker), 1);
  const before = await relays();
  for (const p of [b, c]) {
    await page.click(`a[href$="/patients/${p.patient.id}"]`);
    const shown = await waitForOverlay(page, (o) => o.who && o.who.includes(p.patient.family));
    assert.equal(shown.overlay.verdict, p.scenario.expect.verdict);
  }
  assert.equal(await relays(), before, 'SPA switches with the engine page running: no relay');
  // The engine page closes behind the worker's back (as a crashed renderer would): the copy
  // gets no answer, the worker is asked to relay, starts the page again and relays.
  await browser.worker.evaluate(() => chrome.offscreen.closeDocument());
  assert.equal(await engineCount(browser.worker), 0);
  await page.click(`a[href$="/patients/${d.patient.id}"]`);
  const again = await waitForOverlay(page, (o) => o.who && o.who.includes(d.patient.family), { timeout: 15000 });
  assert.equal(again.overlay.verdict, d.scenario.expect.verdict);
  assert.equal(again.all.length, 1);
  assert.equal(await engineCount(browser.worker), 1);
  assert.ok(await relays() > before, 'the copy without an answer was relayed');
  await page.close();
});

test('a new page reads its patient\'s log record with the key probes the last check saved; a wrong probe still gets the right record', async () => {
  // An unreadable record shows on the card ("not verified", the log notice): proof that the
  // check had this patient's record, whichever way its key was found.
  const garbage = { schema: 'something.else', rows: [1] };
  const shown = (overlay) => overlay.verdict === 'not_verified'
    && (overlay.groups.not_verified || []).some((i) => /журнал звонков расширения/.test(i.text));
  for (const base of [open.base, strict.base]) {
    const probeKey = `keyprobe:${base}`;
    const [a, b, c] = [patients[3], patients[4], patients[5]];
    const stored = (k) => browser.worker.evaluate(async (key) => (await chrome.storage.local.get(key))[key], k);
    // The first check on this origin saves the profile's key selectors (no patient data).
    let page = await browser.context.newPage();
    await page.goto(`${base}/patients/${a.patient.id}`);
    await waitForOverlay(page);
    await page.close();
    assert.deepEqual(await stored(probeKey), [{ css: 'article.patient-card[data-patient-id]', attr: 'data-patient-id' }]);
    // The next page: its record is read with the probes.
    await browser.worker.evaluate(([k, v]) => chrome.storage.local.set({ [k]: v }), [logKey(base, b.patient.id), garbage]);
    page = await browser.context.newPage();
    await page.goto(`${base}/patients/${b.patient.id}`);
    let { overlay } = await waitForOverlay(page, shown);
    assert.match(overlay.who, new RegExp(b.patient.family));
    await page.close();
    // Probes that read something else (here the page's language, a plain word): the check
    // says which patient it read, and that patient is checked again with their own record.
    await browser.worker.evaluate(([k, v]) => chrome.storage.local.set({ [k]: v }), [probeKey, [{ css: 'html', attr: 'lang' }]]);
    await browser.worker.evaluate(([k, v]) => chrome.storage.local.set({ [k]: v }), [logKey(base, c.patient.id), garbage]);
    page = await browser.context.newPage();
    await page.goto(`${base}/patients/${c.patient.id}`);
    ({ overlay } = await waitForOverlay(page, shown));
    assert.match(overlay.who, new RegExp(c.patient.family));
    await page.close();
    // The check put the profile's own probes back.
    assert.deepEqual(await stored(probeKey), [{ css: 'article.patient-card[data-patient-id]', attr: 'data-patient-id' }]);
  }
});

test('an SPA switch reads a record stored before the tab opened (the tab lists which records exist, and reads only those)', async () => {
  const garbage = { schema: 'something.else', rows: [2] };
  const noticed = (overlay) => (overlay.groups.not_verified || []).some((i) => /журнал звонков расширения/.test(i.text));
  for (const base of [open.base, strict.base]) {
    const [a, b] = [patients[8], patients[9]];
    await browser.worker.evaluate(([k, v]) => chrome.storage.local.set({ [k]: v }), [logKey(base, b.patient.id), garbage]);
    const page = await browser.context.newPage();
    await page.goto(`${base}/app/patients/${a.patient.id}`);
    const { overlay } = await waitForOverlay(page, (o) => o.who && o.who.includes(a.patient.family));
    assert.ok(!noticed(overlay), 'A has no record');
    // The list of records is read after the first overlay; the switch comes after it.
    await page.waitForTimeout(300);
    await page.click(`a[href$="/patients/${b.patient.id}"]`);
    await waitForOverlay(page, (o) => o.who && o.who.includes(b.patient.family) && noticed(o));
    await page.click(`a[href$="/patients/${a.patient.id}"]`);
    await waitForOverlay(page, (o) => o.who && o.who.includes(a.patient.family) && !noticed(o));
    await browser.worker.evaluate((k) => chrome.storage.local.remove(k), logKey(base, b.patient.id));
    await page.close();
  }
});

test('going back to a patient in an SPA checks the record as stored now, not as this tab read it before', async () => {
  // The content script keeps the records it read last; a change in storage must drop them.
  const garbage = { schema: 'something.else', rows: [1] };
  const noticed = (overlay) => (overlay.groups.not_verified || []).some((i) => /журнал звонков расширения/.test(i.text));
  for (const base of [open.base, strict.base]) {
    const [a, b] = [patients[6], patients[7]];
    const page = await browser.context.newPage();
    await page.goto(`${base}/app/patients/${a.patient.id}`);
    let { overlay } = await waitForOverlay(page, (o) => o.who && o.who.includes(a.patient.family));
    assert.ok(!noticed(overlay), 'no record yet');
    await page.click(`a[href$="/patients/${b.patient.id}"]`);
    await waitForOverlay(page, (o) => o.who && o.who.includes(b.patient.family));
    // Another tab (here the worker) writes A's record while B is shown.
    await browser.worker.evaluate(([k, v]) => chrome.storage.local.set({ [k]: v }), [logKey(base, a.patient.id), garbage]);
    await page.click(`a[href$="/patients/${a.patient.id}"]`);
    ({ overlay } = await waitForOverlay(page, (o) => o.who && o.who.includes(a.patient.family) && noticed(o)));
    // The tab asks the worker to set the unreadable record aside (written back after the
    // overlay); that write is waited for, or it could land after the removal below.
    const stored = () => browser.worker.evaluate((k) => chrome.storage.local.get(k).then((s) => JSON.stringify(s[k])), logKey(base, a.patient.id));
    for (let i = 0; i < 100 && (await stored()) === JSON.stringify(garbage); i++) await page.waitForTimeout(50);
    // And removed again: the next visit reads that too.
    await browser.worker.evaluate((k) => chrome.storage.local.remove(k), logKey(base, a.patient.id));
    await page.click(`a[href$="/patients/${b.patient.id}"]`);
    await waitForOverlay(page, (o) => o.who && o.who.includes(b.patient.family));
    await page.click(`a[href$="/patients/${a.patient.id}"]`);
    ({ overlay } = await waitForOverlay(page, (o) => o.who && o.who.includes(a.patient.family) && !noticed(o)));
    assert.equal(overlay.verdict, a.scenario.expect.verdict, base);
    await page.close();
  }
});
