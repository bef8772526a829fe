// When the wasm core cannot load, the overlay says so in plain words and the MIS keeps working.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { demoPatients, launchBrowser, ROOT, startDemoMis, waitForOverlay } from './harness.mjs';

test('a broken .wasm gives a plain message and the MIS page keeps working', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'precall-broken-'));
  cpSync(path.join(ROOT, 'manifest.json'), path.join(dir, 'manifest.json'));
  cpSync(path.join(ROOT, '_locales'), path.join(dir, '_locales'), { recursive: true });
  cpSync(path.join(ROOT, 'extension'), path.join(dir, 'extension'), { recursive: true });
  writeFileSync(path.join(dir, 'extension/pkg/precall_bg.wasm'), 'this is not WebAssembly');
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
