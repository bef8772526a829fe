// Page-load probe: one browser per variant (an extension dir or "none"), page loads in rotation
// (the order rotates each round), navigation timings' medians per variant.
// node loadprobe.mjs ROUNDS DIR|none ...
import { chromium } from '../../../node_modules/playwright-core/index.mjs';
import { startDemoMis, TEST_CLOCK } from '../../../tests/e2e/harness.mjs';
import { mkdtempSync } from 'node:fs'; import os from 'node:os'; import path from 'node:path';
const [rounds, ...variants] = process.argv.slice(2);
const mis = await startDemoMis({ csp: process.env.CSP === '1' });
const browsers = [];
for (const v of variants) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lp-'));
  const args = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-gpu', '--disable-dev-shm-usage'];
  if (v !== 'none') args.push(`--disable-extensions-except=${v}`, `--load-extension=${v}`);
  const context = await chromium.launchPersistentContext(dir, { executablePath: '/usr/bin/chromium', headless: true, args });
  if (v !== 'none') {
    const worker = context.serviceWorkers()[0] || (await context.waitForEvent('serviceworker', { timeout: 15000 }).catch(() => null));
    if (worker) await worker.evaluate((s) => chrome.storage.local.set({ settings: s }), { config: null, clock: TEST_CLOCK }).catch(() => {});
  }
  browsers.push({ v, context, rows: [] });
}
const patients = Array.from({ length: 25 }, (_, i) => 1001 + i);
for (let r = -1; r < Number(rounds); r++) {
  const order = browsers.map((_, i) => browsers[(i + r + 1) % browsers.length]);
  for (const b of order) {
    const page = await b.context.newPage();
    await page.goto(`${mis.base}/patients/${patients[(r + 1) % 25]}`, { waitUntil: 'load' });
    await page.waitForTimeout(400);
    const t = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0];
      const o = { resp: n.responseEnd, inter: n.domInteractive, dcl: n.domContentLoadedEventStart, dcle: n.domContentLoadedEventEnd, load: n.loadEventStart, loadEnd: n.loadEventEnd };
      for (const m of performance.getEntriesByType('mark')) o[m.name] = m.startTime;
      return o;
    });
    await page.close();
    if (r >= 0) b.rows.push(t);
  }
}
const med = (v) => { v = v.filter((x) => x != null).sort((a, b) => a - b); return v.length ? v[Math.floor(v.length / 2)] : null; };
const keys = [...new Set(browsers.flatMap((b) => b.rows.flatMap((r) => Object.keys(r))))];
for (const b of browsers) {
  console.log(b.v.padEnd(24), keys.map((k) => `${k}=${med(b.rows.map((r) => r[k]))?.toFixed(1)}`).join(' '));
}
for (const b of browsers) await b.context.close();
mis.stop();
