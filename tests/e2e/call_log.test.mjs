// End to end, the call log's durability (issue 6): it survives a service worker restart and
// closing and reopening the browser (same profile); export then import into a fresh profile
// gives the same log; a corrupt or foreign stored log is set aside, not deleted, and the
// extension keeps working; a full storage is said plainly and nothing is lost.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { copyPackageFiles } from '../../scripts/package.mjs';
import {
  attemptsShown, clickTestId, launchBrowser, logKey, readDialog, setSettings, startDemoMis, storedLog, TEST_CLOCK, waitForDialog,
  waitForOverlay, watchNavigations, stopServiceWorker,
} from './harness.mjs';

const SETTINGS = { config: { caller: { name: 'Ковалёва Елена' } }, clock: TEST_CLOCK };
let mis;
const dirs = [];

before(async () => {
  // A fixed port: the log is keyed by the MIS origin, and the browser is reopened.
  mis = await startDemoMis();
});

after(() => {
  mis?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function profileDir() {
  const d = mkdtempSync(path.join(tmpdir(), 'precall-log-'));
  dirs.push(d);
  return d;
}

async function card(browser, id) {
  const page = await browser.context.newPage();
  const navigations = await watchNavigations(page);
  await page.goto(`${mis.base}/patients/${id}`);
  const { overlay } = await waitForOverlay(page);
  return { page, navigations, overlay };
}

const attempts = attemptsShown;

/** Dials the patient's first tel: button (a permitted or a waiting call) and records an outcome key. */
async function dialAndRecord(browser, id, key) {
  const { page, navigations } = await card(browser, id);
  await page.click('a.btn-call');
  const dialog = await waitForDialog(page);
  assert.equal(dialog.blocked, false, JSON.stringify(dialog.groups));
  await page.keyboard.press('Enter');
  await waitForDialog(page, (d) => d && d.state === 'outcome');
  assert.equal(navigations.filter((u) => u.startsWith('tel:')).length, 1);
  await page.keyboard.press(key);
  await page.keyboard.press('Enter');
  await waitForDialog(page, (d) => d && d.saved);
  await page.close();
}

async function exportFrom(browser, format) {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/extension/options.html`);
  await page.waitForFunction(() => /\d/.test(document.querySelector('#log-status').textContent));
  const download = page.waitForEvent('download');
  await page.click(`#export-${format}`);
  const file = await (await download).path();
  const text = readFileSync(file, 'utf8');
  await page.close();
  return text;
}

async function importInto(browser, file) {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/extension/options.html`);
  await page.setInputFiles('#import-file', file);
  await page.waitForFunction(() => document.querySelector('#import-result').textContent.length > 0);
  const result = await page.$eval('#import-result', (e) => e.textContent);
  await page.close();
  return result;
}

test('the log survives a service worker restart and a browser restart (same profile)', async () => {
  const dir = profileDir();
  let browser = await launchBrowser({ userDataDir: dir, dialOrigins: [mis.base] });
  try {
    await setSettings(browser.worker, SETTINGS);
    await dialAndRecord(browser, '1003', '2'); // no answer
    await stopServiceWorker(browser);
    // After the restart: the count is there, and the next dial still works.
    const { page, overlay } = await card(browser, '1003');
    assert.equal(attempts(overlay), 1);
    await page.close();
    await dialAndRecord(browser, '1003', '3'); // busy (the cooldown's wait still lets one click dial)
  } finally {
    await browser.close();
  }
  browser = await launchBrowser({ userDataDir: dir, dialOrigins: [mis.base] });
  try {
    const { page, overlay } = await card(browser, '1003');
    assert.equal(attempts(overlay), 2, 'both attempts after reopening the browser');
    await page.close();
    const record = (await storedLog(browser.worker))[logKey(mis.base, '1003')];
    assert.deepEqual(record.entries.map((e) => e.outcome), ['no_answer', 'busy']);
  } finally {
    await browser.close();
  }
});

test('export, then import into a fresh profile, gives the same log (JSON and CSV, without duplicates)', async () => {
  const first = await launchBrowser({ userDataDir: profileDir(), dialOrigins: [mis.base] });
  let json;
  let csv;
  try {
    await setSettings(first.worker, SETTINGS);
    await dialAndRecord(first, '1006', '1');
    await dialAndRecord(first, '1013', '6');
    json = await exportFrom(first, 'json');
    csv = await exportFrom(first, 'csv');
  } finally {
    await first.close();
  }
  const exported = JSON.parse(json);
  assert.equal(exported.schema, 'precall.calllog');
  assert.equal(exported.entries.length, 2);
  assert.match(csv, /^\uFEFFid,origin,patient,at,/);
  const dir = profileDir();
  const jsonFile = path.join(dir, 'log.json');
  const csvFile = path.join(dir, 'log.csv');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(jsonFile, json);
  writeFileSync(csvFile, csv);
  const fresh = await launchBrowser({ userDataDir: profileDir(), dialOrigins: [mis.base] });
  try {
    assert.match(await importInto(fresh, jsonFile), /новых 2, обновлено 0, уже были 0/);
    assert.match(await importInto(fresh, csvFile), /новых 0, обновлено 0, уже были 2/, 'the CSV holds the same entries');
    const again = JSON.parse(await exportFrom(fresh, 'json'));
    assert.deepEqual(again.entries, exported.entries);
    // The imported log feeds the checks in the fresh profile too.
    await setSettings(fresh.worker, SETTINGS);
    const { page, overlay } = await card(fresh, '1013');
    assert.equal(overlay.verdict, 'wait', 'the imported "call back" sets the next window');
    await page.close();
  } finally {
    await fresh.close();
  }
});

test('a corrupt or foreign stored log: the extension keeps working, says so, sets it aside, and exports it', async () => {
  const browser = await launchBrowser({ userDataDir: profileDir(), dialOrigins: [mis.base] });
  try {
    await setSettings(browser.worker, SETTINGS);
    const garbage = { schema: 'something.else', rows: [1, 2, 3] };
    await browser.worker.evaluate(([k, v]) => chrome.storage.local.set({ [k]: v }), [logKey(mis.base, '1001'), garbage]);
    await browser.worker.evaluate(([k]) => chrome.storage.local.set({ [k]: '{"not json' }), [logKey(mis.base, '1024')]);
    const { page, overlay } = await card(browser, '1001');
    assert.equal(overlay.verdict, 'not_verified', 'never all-clear while part of the log is unknown');
    const said = (overlay.groups.not_verified || []).find((i) => /журнал звонков расширения/.test(i.text));
    assert.ok(said, JSON.stringify(overlay.groups.not_verified));
    // Dialling still works.
    await page.click('a.btn-call');
    const dialog = await waitForDialog(page);
    assert.equal(dialog.blocked, false);
    await page.keyboard.press('Escape');
    await page.close();
    // The unreadable data is kept, not deleted, and the export has it.
    const record = (await storedLog(browser.worker))[logKey(mis.base, '1001')];
    assert.equal(record.schema, 'precall.calllog');
    assert.deepEqual(record.unreadable[0].raw, garbage);
    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.extensionId}/extension/options.html`);
    await options.waitForFunction(() => !document.querySelector('#unreadable').hidden);
    // Both records (the one opened, set aside in place, and the one not opened yet).
    assert.match(await options.$eval('#unreadable-text', (e) => e.textContent), /Не удалось прочитать: 2/);
    await options.close();
    const exported = JSON.parse(await exportFrom(browser, 'json'));
    assert.ok(exported.unreadable.some((u) => isDeepStrictEqual(u.raw, garbage)), JSON.stringify(exported.unreadable));
    // The other patient's unreadable string is untouched until that patient is opened.
    assert.equal((await storedLog(browser.worker))[logKey(mis.base, '1024')], '{"not json');
  } finally {
    await browser.close();
  }
});

test('storage full: a clear message, the entry stays in the form, and it saves once there is room', async () => {
  // The extension asks for unlimitedStorage, so its storage fills only when the disk does: a
  // copy of it without that permission has the browser's 10 MB quota, which this test fills.
  const dir = profileDir();
  copyPackageFiles(dir);
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  manifest.permissions = manifest.permissions.filter((p) => p !== 'unlimitedStorage');
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  const browser = await launchBrowser({ extensionDir: dir, userDataDir: profileDir(), dialOrigins: [mis.base] });
  try {
    await setSettings(browser.worker, SETTINGS);
    // Fill the extension's storage to its quota.
    const filled = await browser.worker.evaluate(async () => {
      // As full as it gets: no room left for a log entry (a few hundred bytes).
      const quota = chrome.storage.local.QUOTA_BYTES;
      const used = await chrome.storage.local.getBytesInUse(null);
      let size = quota - used - 40;
      for (;;) {
        try {
          await chrome.storage.local.set({ ballast: 'x'.repeat(size) });
          return size;
        } catch {
          size -= 16;
        }
      }
    });
    assert.ok(filled > 1000000);
    const { page, navigations } = await card(browser, '1014');
    await page.click('a.btn-call');
    await waitForDialog(page);
    await page.keyboard.press('Enter');
    // The dial itself is not held up by storage.
    await waitForDialog(page, (d) => d && d.state === 'outcome');
    assert.equal(navigations.filter((u) => u.startsWith('tel:')).length, 1);
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    // (The dial's own write fails first; wait for this save's answer: Save is enabled again.)
    const full = await waitForDialog(page, (d) => d && /память расширения заполнена/.test(d.testids['outcome-status']?.text || '')
      && d.testids.save && !d.testids.save.disabled);
    assert.equal(full.saved, false);
    assert.ok(full.testids['open-options'], 'offers the options page (export)');
    assert.equal((await storedLog(browser.worker))[logKey(mis.base, '1014')], undefined);
    // Make room; the same form saves the same entry.
    await browser.worker.evaluate(() => chrome.storage.local.remove('ballast'));
    await clickTestId(page, 'save');
    await waitForDialog(page, (d) => d && d.saved);
    const record = (await storedLog(browser.worker))[logKey(mis.base, '1014')];
    assert.equal(record.entries.length, 1);
    assert.equal(record.entries[0].outcome, 'reached');
    assert.equal(await readDialog(page).then((d) => d === null || d.saved), true);
    await page.close();
  } finally {
    await browser.close();
  }
});
