// Faults around the call log (issue 10), end to end in real Chromium:
// - the browser process is killed (SIGKILL) during a burst of outcome writes from several tabs:
//   after a restart on the same profile, every outcome the dialog acknowledged ("saved") is in
//   the log, on its patient, once;
// - the service worker is stopped between a dial and its outcome: the outcome lands on the
//   patient who was dialled, as an update of that dial's entry (not a second contact);
// - two tabs record outcomes for the same patient at the same moment: both entries are kept,
//   none twice, and the next check counts exactly two attempts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  attemptsShown, launchBrowser, logKey, setSettings, startDemoMis, stopServiceWorker, storedLog, TEST_CLOCK, waitForDialog,
  waitForOverlay,
} from './harness.mjs';

const SETTINGS = { config: { caller: { name: 'Ковалёва Елена' } }, clock: TEST_CLOCK };
// Demo patients whose dial is permitted (verdict "call"), one dial each in the burst.
const CALLABLE = ['1001', '1003', '1005', '1006', '1011', '1012', '1013', '1014', '1015', '1016', '1020', '1024'];
const OUTCOME_KEYS = { 2: 'no_answer', 3: 'busy', 4: 'booked', 5: 'declined' };
let mis;
const dirs = [];

before(async () => { mis = await startDemoMis(); });
after(() => {
  mis?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function profileDir() {
  const d = mkdtempSync(path.join(tmpdir(), 'precall-faults-'));
  dirs.push(d);
  return d;
}

/** Opens a card and dials its first tel: button; resolves with the page, the dialog in its outcome form. */
async function dial(browser, id) {
  const page = await browser.context.newPage();
  await page.goto(`${mis.base}/patients/${id}`);
  await waitForOverlay(page);
  await page.click('a.btn-call');
  const d = await waitForDialog(page);
  assert.equal(d.blocked, false, `${id}: the dial is permitted`);
  await page.keyboard.press('Enter');
  await waitForDialog(page, (x) => x && x.state === 'outcome');
  return page;
}

/** Picks an outcome by its key and submits; resolves when the dialog says it is saved. */
async function recordOutcome(page, key) {
  await page.keyboard.press(key);
  await page.keyboard.press('Enter');
  await waitForDialog(page, (x) => x && x.saved, { timeout: 15000 });
}

/** SIGKILL for every Chromium process of this profile: no shutdown, no flush. */
function killBrowser(dir) {
  const pids = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n')
    .filter((l) => l.includes(`--user-data-dir=${dir}`)).map((l) => Number(l.trim().split(/\s+/)[0]));
  for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ } }
  return pids.length;
}

const outcomesOf = (log, id) => ((log[logKey(mis.base, id)] || {}).entries || []).map((e) => e.outcome);

test('the browser killed during a burst of outcome writes: every acknowledged outcome is there after a restart', async () => {
  const dir = profileDir();
  let browser = await launchBrowser({ userDataDir: dir, dialOrigins: [mis.base] });
  const acknowledged = [];   // [patient, outcome] the dialog said were saved before the kill
  let killed = 0;
  try {
    await setSettings(browser.worker, SETTINGS);
    // Every tab dialled and waiting for its outcome first, so the writes come in one burst.
    const pages = [];
    for (const id of CALLABLE) pages.push([id, await dial(browser, id)]);
    const keys = Object.keys(OUTCOME_KEYS);
    const writes = pages.map(([id, page], i) => {
      const key = keys[i % keys.length];
      return recordOutcome(page, key).then(() => acknowledged.push([id, OUTCOME_KEYS[key]]), () => {});
    });
    // Kill once some outcomes are acknowledged and others are still being written.
    const deadline = Date.now() + 20000;
    while (acknowledged.length < Math.ceil(CALLABLE.length / 3) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const snapshot = [...acknowledged];
    killed = killBrowser(dir);
    await Promise.allSettled(writes);
    acknowledged.length = 0;
    acknowledged.push(...snapshot);
  } finally {
    await browser.close().catch(() => {});
  }
  assert.ok(killed > 0, 'the browser processes were found and killed');
  assert.ok(acknowledged.length > 0, 'some outcomes were acknowledged before the kill');
  console.log(`# acknowledged before the kill: ${acknowledged.length} of ${CALLABLE.length}`);

  browser = await launchBrowser({ userDataDir: dir, dialOrigins: [mis.base] });
  try {
    const log = await storedLog(browser.worker);
    for (const [id, outcome] of acknowledged) {
      assert.deepEqual(outcomesOf(log, id), [outcome], `patient ${id}: the acknowledged outcome, once`);
    }
    // Nothing landed on a patient it was not meant for, and no entry is doubled.
    for (const id of CALLABLE) {
      const entries = (log[logKey(mis.base, id)] || {}).entries || [];
      assert.ok(entries.length <= 1, `patient ${id}: one dial, at most one entry (${entries.length})`);
      assert.equal(new Set(entries.map((e) => e.id)).size, entries.length);
      for (const e of entries) assert.equal(e.patient, id);
    }
    // The restarted extension keeps working on the stored log: the count shows on the card.
    const [id] = acknowledged.find(([, o]) => o === 'no_answer' || o === 'busy') || [];
    if (id) {
      const page = await browser.context.newPage();
      await page.goto(`${mis.base}/patients/${id}`);
      const { overlay } = await waitForOverlay(page);
      assert.equal(attemptsShown(overlay), 1, `one attempt counted for ${id}`);
      await page.close();
    }
  } finally {
    await browser.close();
  }
});

test('the service worker stopped between a dial and its outcome: the outcome lands on the dialled patient', async () => {
  const browser = await launchBrowser({ dialOrigins: [mis.base] });
  try {
    await setSettings(browser.worker, SETTINGS);
    const other = await browser.context.newPage();   // another patient open beside it
    await other.goto(`${mis.base}/patients/1005`);
    await waitForOverlay(other);
    const page = await dial(browser, '1003');
    // The dial's entry is written as the call starts (asynchronously): wait for it to land.
    let dialled = [];
    for (const until = Date.now() + 10000; Date.now() < until && dialled.length === 0;) {
      dialled = outcomesOf(await storedLog(browser.worker), '1003');
      if (!dialled.length) await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(dialled, [null], 'the dial is in the log before its outcome');
    await stopServiceWorker(browser);
    await recordOutcome(page, '3');   // busy
    const log = await storedLog(browser.worker);
    assert.deepEqual(outcomesOf(log, '1003'), ['busy'], 'the dial\'s own entry got the outcome');
    assert.equal(log[logKey(mis.base, '1003')].entries[0].rev > 0, true, 'an update of the dial\'s entry');
    assert.deepEqual(outcomesOf(log, '1005'), [], 'nothing on the other open patient');
  } finally {
    await browser.close();
  }
});

test('two tabs record outcomes for the same patient at once: nothing lost, nothing counted twice', async () => {
  const browser = await launchBrowser({ dialOrigins: [mis.base] });
  try {
    await setSettings(browser.worker, SETTINGS);
    const a = await dial(browser, '1011');
    const b = await dial(browser, '1011');
    await Promise.all([recordOutcome(a, '2'), recordOutcome(b, '3')]);
    const entries = (await storedLog(browser.worker))[logKey(mis.base, '1011')].entries;
    assert.deepEqual(entries.map((e) => e.outcome).sort(), ['busy', 'no_answer']);
    assert.equal(new Set(entries.map((e) => e.id)).size, 2, 'two distinct contacts');
    const page = await browser.context.newPage();
    await page.goto(`${mis.base}/patients/1011`);
    const { overlay } = await waitForOverlay(page);
    assert.equal(attemptsShown(overlay), 2, 'two attempts counted');
  } finally {
    await browser.close();
  }
});
