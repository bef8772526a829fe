// Check probe: check_page called repeatedly in the content script's world on one demo card
// (default the heavy one), the time per call's median and minimum (STATE=1: current_state,
// the in-page probe after a batch of mutations); with PROFILE=1 also the CPU profile's self
// time per function (a build with the name section gives Rust names).
// node checkprobe.mjs DIR [card] [calls]
import { chromium } from '../../../node_modules/playwright-core/index.mjs';
import { startDemoMis, TEST_CLOCK } from '../../../tests/e2e/harness.mjs';
import { isolatedWorld } from '../cdp.mjs';
import { mkdtempSync } from 'node:fs'; import os from 'node:os'; import path from 'node:path';
const [ext, card = 'heavy', calls = '40'] = process.argv.slice(2);
const n = Number(calls);
const mis = await startDemoMis({ csp: false });
const context = await chromium.launchPersistentContext(mkdtempSync(path.join(os.tmpdir(), 'cp-')), {
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', `--disable-extensions-except=${ext}`, `--load-extension=${ext}`, '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
});
const worker = context.serviceWorkers()[0] || (await context.waitForEvent('serviceworker'));
await worker.evaluate((s) => chrome.storage.local.set({ settings: s }), { config: null, clock: TEST_CLOCK });
const name = await worker.evaluate(() => chrome.runtime.getManifest().name);
const page = await context.newPage();
await page.goto(`${mis.base}/patients/${card}`);
await page.waitForFunction(() => performance.getEntriesByName('precall:overlay-painted').length, null, { timeout: 60000 });
const world = await isolatedWorld(page, [name, 'Проверка перед звонком', 'Pre-call check']);
const profile = process.env.PROFILE === '1';
// STATE=1: time current_state() (the in-page probe after each batch of mutations) instead.
const call = process.env.STATE === '1' ? 'wasm_bindgen.current_state()' : 'JSON.parse(wasm_bindgen.check_page(input))';
const what = process.env.STATE === '1' ? 'current_state' : 'check_page';
if (profile) {
  await world.cdp.send('Profiler.enable');
  await world.cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await world.cdp.send('Profiler.start');
}
console.log(await world.evaluate(`(() => {
  const input = JSON.stringify({ config: null, now_ms: ${Date.parse(TEST_CLOCK)} });
  const ms = [];
  for (let i = 0; i < ${n}; i++) {
    const t = performance.now();
    ${call};
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return '${what} on ${card}: median ' + ms[ms.length >> 1].toFixed(1) + ' ms, min ' + ms[0].toFixed(1) + ' ms (${n} calls)';
})()`));
if (profile) {
  const { profile: p } = await world.cdp.send('Profiler.stop');
  const nodes = new Map(p.nodes.map((x) => [x.id, x]));
  const self = new Map();
  p.samples.forEach((id, k) => {
    const f = nodes.get(id).callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}`;
    self.set(key, (self.get(key) || 0) + p.timeDeltas[k] / 1000);
  });
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log((v / n).toFixed(2).padStart(8), 'ms/call', k.slice(0, 140));
}
await context.close();
mis.stop();
