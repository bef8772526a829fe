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
const ms = Number(process.argv[3] || 3000);
const setup = `(async () => { const g = wasm_bindgen; await g(); globalThis.__g = g; const input = { config: null, now_ms: ${Date.parse(TEST_CLOCK)} }; for (let i = 0; i < 3; i++) g.check_page(input); return 1; })()`;
await w.evaluate(setup);
await w.cdp.send('Profiler.enable'); await w.cdp.send('Profiler.setSamplingInterval', { interval: 50 }); await w.cdp.send('Profiler.start');
const rate = await w.evaluate(`(() => { const input = { config: null, now_ms: ${Date.parse(TEST_CLOCK)} }; let n = 0; const t0 = performance.now(); while (performance.now() - t0 < ${ms} || n < 3) { __g.check_page(input); n++; } return n / ((performance.now() - t0) / 1000); })()`);
const { profile } = await w.cdp.send('Profiler.stop');
console.log('checks/s', rate);
const self = new Map(); const byId = new Map(profile.nodes.map(n => [n.id, n]));
let total = 0;
for (let i = 0; i < profile.samples.length; i++) { const n = byId.get(profile.samples[i]); const dt = profile.timeDeltas[i + 1] ?? 0; total += dt; const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop().slice(0, 30)}`; self.set(k, (self.get(k) || 0) + dt); }
const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[4] || 45));
for (const [k, v] of top) console.log((100 * v / total).toFixed(1).padStart(5), '%', k);
// category
const cat = new Map();
for (const [k, v] of self) { const c = /wasm/.test(k) ? 'wasm' : /precall\.js/.test(k) ? 'glue' : /^\(/.test(k) ? k : 'native/other'; cat.set(c, (cat.get(c) || 0) + v); }
console.log([...cat.entries()].map(([k, v]) => `${k}: ${(100 * v / total).toFixed(1)}%`).join('  '));
await context.close(); mis.stop();
