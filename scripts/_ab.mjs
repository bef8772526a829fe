// A/B: node scripts/_ab.mjs DIR_A DIR_B [page] [rounds]
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import os from 'node:os'; import path from 'node:path';
import { CHROMIUM, startDemoMis, TEST_CLOCK } from '../tests/e2e/harness.mjs';
import { isolatedWorld } from './bench/cdp.mjs';
const [A, B, id = 'heavy', rounds = '3'] = process.argv.slice(2);
const mis = await startDemoMis({ csp: false });
const res = { [A]: [], [B]: [] };
for (let r = 0; r < Number(rounds); r++) for (const ext of [A, B]) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ab-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', `--disable-extensions-except=${ext}`, `--load-extension=${ext}`, '--disable-gpu'] });
  const worker = context.serviceWorkers()[0] || await context.waitForEvent('serviceworker');
  await worker.evaluate((s) => chrome.storage.local.set({ settings: s }), { config: null, clock: TEST_CLOCK });
  const page = await context.newPage();
  await page.goto(`${mis.base}/patients/${id}`);
  await page.waitForFunction(() => performance.getEntriesByName('precall:overlay-painted').length > 0, null, { timeout: 60000 });
  const first = await page.evaluate(() => { const nav = performance.getEntriesByType('navigation')[0]; return performance.getEntriesByName('precall:overlay-drawn')[0].startTime - nav.domContentLoadedEventStart; });
  const w = await isolatedWorld(page, 'Перед звонком — pre-call check');
  const times = await w.evaluate(`(async () => { const g = wasm_bindgen; await g(); const input = { config: null, now_ms: ${Date.parse(TEST_CLOCK)} }; const out = []; for (let i = 0; i < ${id === 'heavy' ? 6 : 60}; i++) { const t = performance.now(); g.check_page(input); out.push(performance.now() - t); } return out; })()`);
  res[ext].push({ first: Math.round(first), min: Math.min(...times).toFixed(2), med: times.sort((a, b) => a - b)[times.length >> 1].toFixed(2) });
  await context.close();
}
for (const k of [A, B]) console.log(k, JSON.stringify(res[k]));
mis.stop();
