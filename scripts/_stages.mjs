import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import os from 'node:os'; import path from 'node:path';
import { CHROMIUM, ROOT, startDemoMis, TEST_CLOCK } from '../tests/e2e/harness.mjs';
import { isolatedWorld } from './bench/cdp.mjs';
const id = process.argv[2] || '1001';
const mis = await startDemoMis({ csp: false });
const dir = mkdtempSync(path.join(os.tmpdir(), 'prof-'));
const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', `--disable-extensions-except=${ROOT}`, `--load-extension=${ROOT}`, '--disable-gpu'] });
const worker = context.serviceWorkers()[0] || await context.waitForEvent('serviceworker');
await worker.evaluate((s) => chrome.storage.local.set({ settings: s }), { config: null, clock: TEST_CLOCK });
const page = await context.newPage();
await page.goto(`${mis.base}/patients/${id}`);
await page.waitForFunction(() => performance.getEntriesByName('precall:overlay-painted').length > 0);
const w = await isolatedWorld(page, 'Перед звонком — pre-call check');
console.log(await w.evaluate(`(async () => {
  const g = wasm_bindgen; await g();
  const input = { config: null, now_ms: ${Date.parse(TEST_CLOCK)} };
  const out = [];
  for (let i = 0; i < ${Number(process.argv[3] || 5)}; i++) { const t0 = performance.now(); const r = g.check_page(input); out.push((performance.now() - t0).toFixed(1) + ' [' + r.timings.map(x => x.toFixed(0)).join(',') + ']'); }
  return out.join('\\n');
})()`));
await context.close(); mis.stop();
