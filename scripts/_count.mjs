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
  const counts = {}; const times = {};
  for (const [proto, name] of [[Element.prototype, 'querySelectorAll'], [Element.prototype, 'querySelector'], [Element.prototype, 'matches'], [Element.prototype, 'firstElementChild'], [Node.prototype, 'textContent'], [Element.prototype, 'getAttribute'], [Element.prototype, 'children'], [Element.prototype, 'localName'], [Node.prototype, 'childNodes']]) {
    const d = Object.getOwnPropertyDescriptor(proto, name);
    if (d.value) { const f = d.value; proto[name] = function (...a) { const k = name + (name.startsWith('querySelector') ? ' ' + a[0] : ''); counts[k] = (counts[k] || 0) + 1; const t = performance.now(); const r = f.apply(this, a); times[k] = (times[k] || 0) + performance.now() - t; return r; }; }
    else { const get = d.get; Object.defineProperty(proto, name, { ...d, get() { counts[name] = (counts[name] || 0) + 1; return get.call(this); } }); }
  }
  const input = { config: null, now_ms: ${Date.parse(TEST_CLOCK)} };
  const t0 = performance.now(); g.check_page(input); const dt = performance.now() - t0;
  const top = Object.entries(counts).sort((a, b) => b[1] - a[1]).slice(0, 40).map(([k, v]) => v + '\t' + (times[k] ? times[k].toFixed(1) : '') + '\t' + k);
  return 'check ms ' + dt.toFixed(1) + ' total calls ' + Object.values(counts).reduce((a, b) => a + b, 0) + '\\n' + top.join('\\n');
})()`));
await context.close(); mis.stop();
