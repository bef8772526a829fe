// A Rust panic inside the wasm (a trap) does not leave a dead core: the overlay says "check
// failed - please report", the MIS page keeps working, and the next patient is checked by a
// fresh core. The panic comes from the fault hook, which exists only in the test build of the
// core (`make build-test-ext`, cargo feature `fault-hook`): a page whose <html> carries
// data-precall-fault makes the core panic. Both core paths: the content script's own wasm
// (re-imported as a fresh module) and the offscreen engine page (which loads a fresh instance).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { copyPackageFiles } from '../../scripts/package.mjs';
import {
  countEngineMessages, demoPatients, engineCount, launchBrowser, ROOT, setSettings, startDemoMis, TEST_CLOCK, waitForOverlay,
} from './harness.mjs';

const TEST_PKG = path.join(ROOT, 'out/test-ext/pkg');
const FAILED = /Проверка не удалась — сообщите/;

let dir;
let open;
let strict;
let browser;
let patients;

before(async () => {
  if (!existsSync(path.join(TEST_PKG, 'precall_bg.wasm'))) {
    execFileSync('make', ['-s', 'build-test-ext'], { cwd: ROOT, stdio: 'inherit' });
  }
  // The extension as it is in the repository, with the test build of the core.
  dir = mkdtempSync(path.join(tmpdir(), 'precall-fault-'));
  copyPackageFiles(dir, (f) => !f.startsWith('extension/pkg/'));
  cpSync(TEST_PKG, path.join(dir, 'extension/pkg'), { recursive: true });
  patients = await demoPatients();
  open = await startDemoMis({ csp: false });
  strict = await startDemoMis({ csp: true });
  browser = await launchBrowser({ extensionDir: dir });
  await setSettings(browser.worker, { config: null, clock: TEST_CLOCK });
});

after(async () => {
  await browser?.close();
  open?.stop();
  strict?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const fault = (page, on) => page.evaluate((on) => document.documentElement.toggleAttribute('data-precall-fault', on), on);

/** SPA-switches to patient `p` and waits for the MIS to show the card. */
async function switchTo(page, p) {
  await page.click(`a[href$="/patients/${p.patient.id}"]`);
  await page.waitForURL(`**/app/patients/${p.patient.id}`);
  await page.waitForSelector(`#app-main[data-state="ready"] article[data-patient-id="${p.patient.id}"]`);
}

async function recovers(mis, { engine }) {
  const [a, b, c, d] = [patients[0], patients[1], patients[2], patients[5]];
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${mis.base}/app/patients/${a.patient.id}`);
  await waitForOverlay(page, (o) => o.who && o.who.includes(a.patient.family));
  for (const [broken, next] of [[b, c], [a, d]]) {
    // The page makes the core panic: the overlay says so, the MIS keeps working.
    await fault(page, true);
    await switchTo(page, broken);
    const failed = await waitForOverlay(page, (o) => o.message && FAILED.test(o.message));
    assert.equal(failed.all.length, 1);
    // The next patient is checked by a working core.
    await fault(page, false);
    await switchTo(page, next);
    const ok = await waitForOverlay(page, (o) => o.who && o.who.includes(next.patient.family), { timeout: 15000 });
    assert.equal(ok.overlay.verdict, next.scenario.expect.verdict);
    assert.equal(ok.all.length, 1);
  }
  assert.deepEqual(errors, [], 'nothing of ours reached the page');
  assert.equal(await page.evaluate(() => document.querySelector('#app-main').dataset.state), 'ready', 'the MIS works');
  if (engine) assert.equal(await engineCount(browser.worker), 1, 'one (fresh) engine page');
  await page.close();
}

test('content script path: a panic shows "check failed", the next patient is checked', async () => {
  const sent = await countEngineMessages(browser);
  await recovers(open, { engine: false });
  // No copy went to the engine page (none ran when the page loaded): the page and its
  // switches, the panics among them, were the content script's core's.
  assert.deepEqual(await sent(), { ahead: 0, plain: 0, start: 1 }, 'recovered in the content script, without the engine');
});

test('engine path (strict CSP): a panic shows "check failed", the engine restarts for the next patient', async () => {
  await recovers(strict, { engine: true });
});

test('a fresh page after a panic works as usual', async () => {
  const p = patients[3];
  const page = await browser.context.newPage();
  await page.goto(`${open.base}/patients/${p.patient.id}`);
  const { overlay } = await waitForOverlay(page);
  assert.equal(overlay.verdict, p.scenario.expect.verdict);
  await page.close();
});
