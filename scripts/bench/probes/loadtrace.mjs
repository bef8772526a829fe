// Trace of one warm page load (after 3 warm-ups): the renderer main thread's tasks from the
// navigation to the load event, with their biggest inner events. node loadtrace.mjs EXTDIR|none
import { chromium } from '../../../node_modules/playwright-core/index.mjs';
import { startDemoMis, TEST_CLOCK } from '../../../tests/e2e/harness.mjs';
import { mkdtempSync } from 'node:fs'; import os from 'node:os'; import path from 'node:path';
const EXT = process.argv[2] || new URL('../../..', import.meta.url).pathname.replace(/\/$/, '');
const mis = await startDemoMis({ csp: false });
const dir = mkdtempSync(path.join(os.tmpdir(), 'st-'));
const args = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'];
if (EXT !== 'none') args.push(`--disable-extensions-except=${EXT}`, `--load-extension=${EXT}`);
const context = await chromium.launchPersistentContext(dir, { executablePath: '/usr/bin/chromium', headless: true, args });
if (EXT !== 'none') {
  const worker = context.serviceWorkers()[0] || (await context.waitForEvent('serviceworker'));
  await worker.evaluate((s) => chrome.storage.local.set({ settings: s }), { config: null, clock: TEST_CLOCK });
}
for (let i = 0; i < 3; i++) { const p = await context.newPage(); await p.goto(`${mis.base}/patients/100${i + 1}`, { waitUntil: 'load' }); await p.waitForTimeout(300); await p.close(); }
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
const events = [];
cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
const done = new Promise((r) => cdp.on('Tracing.tracingComplete', r));
await cdp.send('Tracing.start', { categories: 'devtools.timeline,v8,v8.wasm,blink.user_timing,loading,disabled-by-default-devtools.timeline,extensions', transferMode: 'ReportEvents' });
await page.goto(`${mis.base}/patients/1006`, { waitUntil: 'load' });
await page.waitForTimeout(300);
await cdp.send('Tracing.end'); await done;
const parse = events.find((e) => e.name === 'ParseHTML');
const { pid, tid } = parse;
const t0 = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X').reduce((m, e) => Math.min(m, e.ts), Infinity);
const load = events.find((e) => e.pid === pid && (e.name === 'MarkLoad'));
const dcl = events.find((e) => e.pid === pid && (e.name === 'MarkDOMContent'));
console.log('DCL', ((dcl?.ts - t0) / 1000).toFixed(1), 'load', ((load?.ts - t0) / 1000).toFixed(1));
const tasks = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.dur > 300 && e.name === 'RunTask' && e.ts <= (load?.ts ?? Infinity));
let sum = 0;
for (const t of tasks) {
  sum += t.dur;
  const inner = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.ts >= t.ts && e.ts + (e.dur || 0) <= t.ts + t.dur && e !== t && e.dur > 200)
    .sort((a, b) => a.ts - b.ts).slice(0, 14).map((e) => `${e.name}${e.args?.data?.url ? '(' + e.args.data.url.split('/').pop().slice(0, 30) + ')' : ''}${e.args?.data?.functionName ? '[' + e.args.data.functionName + ']' : ''}:${(e.dur / 1000).toFixed(1)}`);
  console.log(((t.ts - t0) / 1000).toFixed(1).padStart(7), (t.dur / 1000).toFixed(1).padStart(6), inner.join(' | ').slice(0, 900));
}
console.log('tasks >0.3ms before load: total', (sum / 1000).toFixed(1));
for (const inj of events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && (e.name === 'ScriptInjection::InjectJs' || e.name === 'EventDispatch') && e.ts <= (load?.ts ?? Infinity))) {
  const inner = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.ts >= inj.ts && e.ts + (e.dur || 0) <= inj.ts + inj.dur && e !== inj && e.dur > 40)
    .sort((a, b) => a.ts - b.ts).map((e) => `${e.name}${e.args?.data?.url ? '(' + e.args.data.url.split('/').pop().slice(0, 30) + ')' : ''}${e.args?.data?.functionName ? '[' + e.args.data.functionName + ']' : ''}:${(e.dur / 1000).toFixed(2)}`);
  console.log(inj.name, ((inj.ts - t0) / 1000).toFixed(1), (inj.dur / 1000).toFixed(1), inner.join(' | ').slice(0, 2500));
}
await context.close(); mis.stop();
