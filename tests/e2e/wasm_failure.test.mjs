// When the wasm core cannot load, the overlay says so in plain words and the MIS keeps working.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { copyPackageFiles } from '../../scripts/package.mjs';
import { demoPatients, launchBrowser, startDemoMis, waitForOverlay } from './harness.mjs';

test('a broken .wasm gives a plain message and the MIS page keeps working', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'precall-broken-'));
  copyPackageFiles(dir);
  // Both cores: the content script's (page_bg) and the one the worker and the engine page load.
  for (const f of ['page_bg.wasm', 'precall_bg.wasm']) writeFileSync(path.join(dir, 'extension/pkg', f), 'this is not WebAssembly');
  const mis = await startDemoMis();
  const browser = await launchBrowser({ extensionDir: dir });
  try {
    const [p] = await demoPatients();
    const page = await browser.context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${mis.base}/app/patients/${p.patient.id}`);
    const { overlay } = await waitForOverlay(page, (o) => o.message);
    assert.match(overlay.message, /не загрузилась/);
    assert.equal(overlay.shadowMode, 'closed');
    // The MIS still works: its own SPA navigation runs, and it raised no error of ours.
    const other = (await demoPatients())[1];
    await page.click(`a[href$="/patients/${other.patient.id}"]`);
    await page.waitForURL(`**/app/patients/${other.patient.id}`);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    mis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
