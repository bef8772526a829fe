// `make bench` (issue 9): the extension's cost, measured in headless Chromium with the
// unpacked extension against the demo MIS, plus the core natively. Prints a table (each
// figure a median and p95 over repeated runs) and writes the same as JSON.
//
//   node scripts/bench.mjs [--runs N] [--heavy-runs N] [--cold-runs N] [--switches N]
//                          [--churn-secs S] [--only a,b] [--who in-page,engine,floor]
//                          [--bin-dir target/release] [--json FILE] [--smoke]
//
// Parts (--only): size, latency, page, memory, churn, throughput. --smoke runs every part
// once on a small page (the shape check in `make test`). Both core paths are measured:
// "in-page" (a page without CSP: wasm in the content script, check_page) and "engine" (the
// demo MIS's strict CSP: a page copy read by the offscreen engine page, check_html).
// The floor is a generated plain content script (scripts/bench/floor.mjs).
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { CHROMIUM, demoPatients, ROOT, startDemoMis, TEST_CLOCK, TEST_TODAY } from '../tests/e2e/harness.mjs';
import { attributedMs, heapAfterGc, isolatedWorld, metrics, targetSession } from './bench/cdp.mjs';
import { writeFloorExtension } from './bench/floor.mjs';

// ---- options -------------------------------------------------------------------------------

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : dflt;
};
const SMOKE = flag('--smoke');
const N = {
  warm: Number(opt('--runs', SMOKE ? 2 : 30)),
  heavy: Number(opt('--heavy-runs', SMOKE ? 0 : 10)),
  cold: Number(opt('--cold-runs', SMOKE ? 1 : 10)),
  page: Number(opt('--page-runs', SMOKE ? 1 : 30)),
  switches: Number(opt('--switches', SMOKE ? 4 : 200)),
  churnSecs: Number(opt('--churn-secs', SMOKE ? 0.5 : 10)),
  churnReps: Number(opt('--churn-repeats', SMOKE ? 1 : 3)),
  throughputMs: SMOKE ? 300 : 3000,
  audit: Number(opt('--audit-lines', SMOKE ? 1000 : 100000)),
};
const PARTS = ['size', 'latency', 'page', 'memory', 'churn', 'throughput'];
const ONLY = opt('--only', PARTS.join(',')).split(',');
const JSON_OUT = path.resolve(opt('--json', path.join(ROOT, SMOKE ? 'out/bench-smoke.json' : 'out/bench.json')));
const PATHS = SMOKE ? ['in-page'] : ['in-page', 'engine'];
// The native programs: the CLI and examples/throughput.rs (`make bench` builds them).
const BIN_DIR = path.resolve(ROOT, opt('--bin-dir', 'target/release'));
// The unpacked extension measured (default: this repository; --ext DIR for a variant build).
const EXT = path.resolve(opt('--ext', ROOT));
// The extension's name as Chrome shows it (the isolated world's name): the manifest's
// `__MSG_ext_name__` in any of its languages.
const EXT_NAME = (() => {
  const name = JSON.parse(readFileSync(path.join(ROOT, 'manifest.json'), 'utf8')).name;
  const m = /^__MSG_(\w+)__$/.exec(name);
  if (!m) return [name];
  const dir = path.join(ROOT, '_locales');
  return readdirSync(dir).map((l) => JSON.parse(readFileSync(path.join(dir, l, 'messages.json'), 'utf8'))[m[1]].message);
})();
const log = (...a) => process.stderr.write(`[bench] ${a.join(' ')}\n`);

// ---- statistics -------------------------------------------------------------------------------

const round = (x, d = 1) => (x == null || Number.isNaN(x) ? null : Math.round(x * 10 ** d) / 10 ** d);
/** {n, median, p95} (nearest rank), rounded to 0.1. */
export function stats(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return { n: 0, median: null, p95: null };
  const at = (q) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { n: s.length, median: round(median), p95: round(at(0.95)) };
}

/** Least-squares slope of ys over xs. */
function slope(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den ? num / den : 0;
}

// ---- browsers ---------------------------------------------------------------------------------

const BASE_ARGS = [
  '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-gpu', '--disable-dev-shm-usage',
];

// The smoke run keeps one browser per extension for all its parts (it checks the output's
// shape, not the numbers); the full run starts a fresh browser wherever it says so.
const shared = new Map();

/** A fresh Chromium (new profile). `ext`: EXT (ours), a floor dir, or null (no extension). */
async function launch(ext) {
  if (SMOKE && shared.has(ext)) return shared.get(ext);
  const b = await launchFresh(ext);
  if (!SMOKE) return b;
  shared.set(ext, { context: b.context, close: async () => {}, reallyClose: b.close });
  return shared.get(ext);
}

async function launchFresh(ext) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'precall-bench-'));
  const args = [...BASE_ARGS];
  if (ext) args.push(`--disable-extensions-except=${ext}`, `--load-extension=${ext}`);
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1280, height: 900 }, args,
  });
  if (ext === EXT) {
    const worker = context.serviceWorkers()[0] || (await context.waitForEvent('serviceworker', { timeout: 15000 }));
    await worker.evaluate((s) => chrome.storage.local.set({ settings: s }), { config: null, clock: TEST_CLOCK });
  } else if (ext) {
    await new Promise((r) => setTimeout(r, 300)); // let the content-script-only extension register
  }
  return {
    context,
    async close() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// The page core's glue in the content script's world, initialised as content.js does it: since
// the ninth session a new page's core may load only after the first overlay (its first check
// went to the engine page), and the glue without a path would load the wrong file. Whichever
// asks first starts the one load; the other gets the same instance.
const PAGE_CORE = "wasm_bindgen({ module_or_path: chrome.runtime.getURL('extension/pkg/page_bg.wasm') })";

const MARKS = {
  ours: ['precall:overlay-drawn', 'precall:overlay-painted'],
  floor: ['floor:read', 'floor:frame'],
  none: ['mis:card-shown', 'mis:card-shown'],
};

/** Resolves when a mark with this name is on the page's timeline (it may already be). */
function waitMark(page, name, timeout = 60000) {
  return page.evaluate(([name, timeout]) => new Promise((resolve, reject) => {
    if (performance.getEntriesByName(name).length) return resolve();
    const timer = setTimeout(() => reject(new Error(`no mark ${name} within ${timeout} ms`)), timeout);
    new PerformanceObserver((list, obs) => {
      if (list.getEntriesByName(name).length) {
        obs.disconnect();
        clearTimeout(timer);
        resolve();
      }
    }).observe({ type: 'mark' });
  }), [name, timeout]);
}

/** Stops the browser's service workers (as Chrome does with an idle one), and waits until ours is stopped. */
async function stopServiceWorkers(context) {
  const page = await context.newPage();
  try {
    const cdp = await context.newCDPSession(page);
    // Listening before the stop, so its report cannot come before the listener.
    const stopped = new Promise((resolve) => cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
      if (versions.every((v) => v.runningStatus === 'stopped')) resolve();
    }));
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await Promise.race([stopped, new Promise((r) => setTimeout(r, 2000))]);
    await cdp.detach();
  } finally {
    await page.close();
  }
}

/** One page load: ms from DOMContentLoaded to the two marks. */
async function pageLoad(context, url, marks) {
  const page = await context.newPage();
  try {
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });
    await waitMark(page, marks[1]);
    const r = await page.evaluate((marks) => {
      const nav = performance.getEntriesByType('navigation')[0];
      const t = (n) => performance.getEntriesByName(n).at(-1)?.startTime;
      return { dcl: nav.domContentLoadedEventStart, a: t(marks[0]), b: t(marks[1]) };
    }, marks);
    return { drawn: r.a - r.dcl, painted: r.b - r.dcl };
  } finally {
    await page.close();
  }
}

/** Opens a card in the SPA view (the demo's side list links, or a link made for `heavy`). */
async function spaOpen(page, id) {
  await page.evaluate((id) => {
    let a = document.querySelector(`a.app-patient[data-id="${CSS.escape(id)}"]`);
    const made = !a;
    if (made) {
      a = document.createElement('a');
      a.href = `/app/patients/${encodeURIComponent(id)}`;
      document.body.append(a);
    }
    a.click();
    if (made) a.remove();
  }, id);
}

/** One SPA switch: ms from the SPA's `mis:card-shown` to the two marks. */
async function spaSwitch(page, id, marks) {
  await page.evaluate((marks) => {
    performance.clearMarks('mis:card-shown');
    for (const m of marks) performance.clearMarks(m);
  }, marks);
  await spaOpen(page, id);
  await waitMark(page, 'mis:card-shown');
  await waitMark(page, marks[1]);
  const r = await page.evaluate((marks) => {
    const t = (n) => performance.getEntriesByName(n).at(-1)?.startTime;
    return { shown: t('mis:card-shown'), a: t(marks[0]), b: t(marks[1]) };
  }, marks);
  return { drawn: r.a - r.shown, painted: r.b - r.shown };
}

// ---- parts ------------------------------------------------------------------------------------

const results = {
  schema: 'precall.bench/1',
  smoke: SMOKE,
  date: new Date().toISOString(),
  command: `node scripts/bench.mjs ${argv.join(' ')}`.trim(),
  machine: {
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0]?.model,
    memory_gb: round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    chromium: (() => { try { return execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return null; } })(),
    load_avg_start: os.loadavg().map((x) => round(x, 2)),
  },
  runs: N,
};

function size() {
  // The .wasm every MIS page fetches and compiles (the page core), and the full core the
  // service worker, the extension's pages and the engine page load.
  const wasm = statSync(path.join(EXT, 'extension/pkg/page_bg.wasm')).size;
  const full = statSync(path.join(EXT, 'extension/pkg/precall_bg.wasm')).size;
  mkdirSync(path.join(ROOT, 'out'), { recursive: true });
  const zip = path.join(ROOT, 'out/precall-extension.zip');
  rmSync(zip, { force: true });
  // The package: what the unpacked extension needs (manifest.json, _locales/ and extension/, with pkg/).
  const z = spawnSync('zip', ['-q', '-X', '-9', '-r', zip, 'manifest.json', '_locales', 'extension'], { cwd: EXT });
  const pkg = z.status === 0 ? statSync(zip).size : null;
  results.size = { wasm_bytes: wasm, wasm_full_bytes: full, package_zip_bytes: pkg, package: 'out/precall-extension.zip (zip -9 of manifest.json, _locales/ and extension/)' };
}

/** What is measured: each of our paths on its demo MIS, then the floor (on the open one). */
function measured(mis, floorDir) {
  return [...PATHS.map((p) => ({ name: p, ext: EXT, marks: MARKS.ours, base: p === 'engine' ? mis.strict : mis.open })),
    { name: 'floor', ext: floorDir, marks: MARKS.floor, base: mis.open }];
}

async function latency(mis, floorDir, patients) {
  const typical = patients.map((p) => p.patient.id);
  const out = [];
  const push = (who, card, kind, samples) => {
    out.push({ path: who, card, kind, drawn: stats(samples.map((s) => s.drawn)), painted: stats(samples.map((s) => s.painted)) });
    log(`latency ${who} ${card} ${kind}: painted ${JSON.stringify(out.at(-1).painted)}`);
  };
  const only = opt('--who', null);
  for (const w of measured(mis, floorDir).filter((x) => !only || only.split(',').includes(x.name))) {
    // Cold: the first page in a fresh browser (the smoke run skips the floor's).
    let kept = null; // the smoke run goes on warm in its one cold browser
    for (const card of (N.heavy ? ['typical', 'heavy'] : ['typical']).filter(() => !(SMOKE && w.name === 'floor'))) {
      const samples = [];
      for (let i = 0; i < N.cold; i++) {
        const b = await launch(w.ext);
        try {
          const id = card === 'heavy' ? 'heavy' : typical[i % typical.length];
          samples.push(await pageLoad(b.context, `${w.base}/patients/${id}`, w.marks));
        } finally {
          if (SMOKE) kept = b;
          await b.close();
        }
      }
      push(w.name, card, 'cold', samples);
    }
    // Warm: later pages in the same browser, and SPA switches in one tab.
    const b = kept || (await launch(w.ext));
    try {
      for (let i = 0; i < (SMOKE ? 1 : 2); i++) await pageLoad(b.context, `${w.base}/patients/${typical[i]}`, w.marks);
      let samples = [];
      for (let i = 0; i < N.warm; i++) samples.push(await pageLoad(b.context, `${w.base}/patients/${typical[(i + 2) % typical.length]}`, w.marks));
      push(w.name, 'typical', 'warm-load', samples);
      // A new page after a pause: Chrome stops an extension's idle service worker after 30 s,
      // and the engine path goes through it (the in-page path does not). Stopped here at once.
      if (w.ext === EXT) {
        samples = [];
        for (let i = 0; i < (SMOKE ? 1 : N.cold); i++) {
          await stopServiceWorkers(b.context);
          samples.push(await pageLoad(b.context, `${w.base}/patients/${typical[(i + 5) % typical.length]}`, w.marks));
        }
        push(w.name, 'typical', 'warm-idle', samples);
      }
      if (N.heavy) {
        samples = [];
        for (let i = 0; i < N.heavy; i++) samples.push(await pageLoad(b.context, `${w.base}/patients/heavy`, w.marks));
        push(w.name, 'heavy', 'warm-load', samples);
      }
      const page = await b.context.newPage();
      await page.goto(`${w.base}/app/patients/${typical[0]}`);
      await waitMark(page, w.marks[1]);
      for (let i = 1; i <= (SMOKE ? 1 : 2); i++) await spaSwitch(page, typical[i], w.marks);
      samples = [];
      for (let i = 0; i < N.warm; i++) samples.push(await spaSwitch(page, typical[(i + 3) % typical.length], w.marks));
      push(w.name, 'typical', 'warm-spa', samples);
      if (N.heavy) {
        samples = [];
        for (let i = 0; i < N.heavy; i++) {
          samples.push(await spaSwitch(page, 'heavy', w.marks));
          await spaSwitch(page, typical[i % typical.length], w.marks);
        }
        push(w.name, 'heavy', 'warm-spa', samples);
      }
      await page.close();
    } finally {
      await b.close();
    }
  }
  results.latency = out;
}

/** Page cost: the page's own load (load event) and main-thread long tasks, with and without. */
async function pageCost(mis, patients, floorDir) {
  const typical = patients.map((p) => p.patient.id);
  const cards = N.heavy ? ['typical', 'heavy'] : ['typical'];
  const out = [];
  // Each path against the same pages without any extension; the floor (a content script that
  // only reads, injected as ours is) shows what any such extension costs the load.
  for (const { name: p, ext, marks, base } of measured(mis, floorDir).filter((x) => !SMOKE || x.name !== 'floor')) {
    const row = { path: p };
    // The two browsers are open side by side and their page loads alternate (in turn first),
    // so a slow spell of this shared machine falls on both, not on one block of loads.
    const browsers = {};
    try {
      for (const [label, e] of [['without', null], ['with', ext]]) {
        browsers[label] = await launch(e);
        await browsers[label].context.addInitScript(() => {
          window.__benchLongTasks = 0;
          new PerformanceObserver((l) => { for (const x of l.getEntries()) window.__benchLongTasks += x.duration; })
            .observe({ type: 'longtask', buffered: true });
        });
      }
      for (const card of cards) {
        const runs = card === 'heavy' ? Math.max(1, Math.ceil(N.page / 6)) : N.page;
        const samples = { without: { loads: [], longs: [], busy: [] }, with: { loads: [], longs: [], busy: [] } };
        for (let i = -1; i < runs; i++) { // i = -1: a warm-up page in each, not recorded
          const id = card === 'heavy' ? 'heavy' : typical[(i + 1) % typical.length];
          for (const label of i % 2 ? ['with', 'without'] : ['without', 'with']) {
            const page = await browsers[label].context.newPage();
            const cdp = await browsers[label].context.newCDPSession(page);
            await cdp.send('Performance.enable');
            const before = (await metrics((m, x) => cdp.send(m, x))).TaskDuration;
            await page.goto(`${base}/patients/${id}`, { waitUntil: 'load', timeout: 60000 });
            if (label === 'with') await waitMark(page, marks[1]);
            await page.waitForTimeout(300);
            const r = await page.evaluate(() => ({
              load: performance.getEntriesByType('navigation')[0].loadEventEnd,
              longTasks: window.__benchLongTasks,
            }));
            const after = (await metrics((m, x) => cdp.send(m, x))).TaskDuration;
            await cdp.detach();
            await page.close();
            if (i < 0) continue;
            samples[label].loads.push(r.load);
            samples[label].longs.push(r.longTasks);
            samples[label].busy.push((after - before) * 1000);
          }
        }
        for (const label of ['without', 'with']) {
          const x = samples[label];
          row[`${card}_${label}`] = { load_ms: stats(x.loads), long_tasks_ms: stats(x.longs), main_thread_busy_ms: stats(x.busy) };
        }
      }
    } finally {
      for (const b of Object.values(browsers)) await b.close();
    }
    for (const card of cards) {
      const w = row[`${card}_with`];
      const wo = row[`${card}_without`];
      row[`${card}_load_ratio`] = round(w.load_ms.median / wo.load_ms.median, 3);
    }
    out.push(row);
    log(`page ${p}: ${JSON.stringify(row)}`);
  }
  results.page_cost = out;
}

/** Memory after N patient switches in one tab: JS heap (with minus without) and wasm memory. */
async function memory(mis, patients) {
  const typical = patients.map((p) => p.patient.id);
  const every = Math.max(1, Math.floor(N.switches / 8));
  const out = [];
  const run = async (p, ext) => {
    const base = p === 'engine' ? mis.strict : mis.open;
    const b = await launch(ext);
    try {
      const page = await b.context.newPage();
      await page.goto(`${base}/app/patients/${typical[0]}`);
      const marks = ext ? MARKS.ours : MARKS.none;
      if (ext) await waitMark(page, marks[1]);
      const cdp = await b.context.newCDPSession(page);
      const send = (m, x) => cdp.send(m, x);
      await send('Performance.enable');
      let world = null;
      let engine = null;
      if (ext && p === 'in-page') world = await isolatedWorld(page, EXT_NAME);
      if (ext && p === 'engine') {
        engine = await targetSession(page, 'extension/engine.html');
        if (engine) await engine.send('Performance.enable');
      }
      const wasmBytes = async () => {
        // The glue's init returns the instance's exports once it is loaded.
        if (world) return world.evaluate(`${PAGE_CORE}.then((w) => w.memory.buffer.byteLength)`);
        if (engine) {
          const r = await engine.send('Runtime.evaluate', { expression: `wasm_bindgen().then((w) => w.memory.buffer.byteLength)`, awaitPromise: true, returnByValue: true });
          return r.result.value;
        }
        return 0;
      };
      const samples = [];
      for (let i = 0; i <= N.switches; i++) {
        if (i > 0) {
          const id = typical[i % typical.length];
          await page.evaluate((m) => { for (const x of m) performance.clearMarks(x); performance.clearMarks('mis:card-shown'); }, marks);
          await spaOpen(page, id);
          await waitMark(page, 'mis:card-shown');
          await waitMark(page, marks[1]);
          if (!ext) await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
        }
        if (i % every === 0) {
          const heap = await heapAfterGc(send);
          const engineHeap = engine ? await heapAfterGc((m, x) => engine.send(m, x)) : 0;
          samples.push({ switches: i, heap, wasm: await wasmBytes(), engine_heap: engineHeap });
        }
      }
      if (world) await world.detach();
      if (engine) await engine.detach();
      await cdp.detach();
      return samples;
    } finally {
      await b.close();
    }
  };
  const base = await run('in-page', null);
  for (const p of PATHS) {
    const withExt = await run(p, EXT);
    const last = withExt.at(-1);
    const xs = withExt.map((s) => s.switches);
    // Growth: slope of the tab's heap (bytes per switch) over the second half of the run
    // (after the first switches have filled caches), with and without the extension.
    const half = (arr) => arr.slice(Math.floor(arr.length / 2));
    const growth = slope(half(xs), half(withExt.map((s) => s.heap)));
    const baseGrowth = slope(half(base.map((s) => s.switches)), half(base.map((s) => s.heap)));
    out.push({
      path: p,
      switches: N.switches,
      js_heap_with_bytes: last.heap,
      js_heap_without_bytes: base.at(-1).heap,
      js_heap_added_bytes: last.heap - base.at(-1).heap,
      wasm_memory_bytes: last.wasm,
      engine_js_heap_bytes: p === 'engine' ? last.engine_heap : undefined,
      heap_growth_bytes_per_switch: round(growth, 0),
      heap_growth_without_bytes_per_switch: round(baseGrowth, 0),
      wasm_growth_bytes: last.wasm - withExt[0].wasm,
      samples: withExt,
      samples_without: base,
    });
    log(`memory ${p}: heap +${last.heap - base.at(-1).heap} B, wasm ${last.wasm} B, growth ${round(growth, 0)} B/switch`);
  }
  results.memory = out;
}

/** Content-script CPU while the page mutates 500 unrelated nodes per second. */
async function churn(mis) {
  const out = [];
  for (const p of PATHS) {
    const base = p === 'engine' ? mis.strict : mis.open;
    const measure = async (ext) => {
      const b = await launch(ext);
      try {
        const page = await b.context.newPage();
        await page.goto(`${base}/app/patients/1001`);
        if (ext) await waitMark(page, MARKS.ours[1]);
        await page.waitForTimeout(SMOKE ? 100 : 500);
        const cdp = await b.context.newCDPSession(page);
        await cdp.send('Performance.enable');
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
        const engine = ext && p === 'engine' ? await targetSession(page, 'extension/engine.html') : null;
        if (engine) {
          await engine.send('Profiler.enable');
          await engine.send('Profiler.setSamplingInterval', { interval: 100 });
          await engine.send('Profiler.start');
        }
        const before = await metrics((m, x) => cdp.send(m, x));
        await cdp.send('Profiler.start');
        const wall0 = Date.now();
        // 100 times a second, 5 nodes of a ticker beside the card are replaced: 500 per second.
        await page.evaluate((secs) => new Promise((resolve) => {
          const box = document.createElement('div');
          box.className = 'bench-ticker';
          document.querySelector('.app-sidebar').append(box);
          for (let i = 0; i < 50; i++) box.append(document.createElement('span'));
          let n = 0;
          const t = setInterval(() => {
            for (let k = 0; k < 5; k++) {
              const s = document.createElement('span');
              s.textContent = String(n++);
              box.replaceChild(s, box.children[(n * 7) % 50]);
            }
          }, 10);
          setTimeout(() => { clearInterval(t); resolve(); }, secs * 1000);
        }), N.churnSecs);
        const { profile } = await cdp.send('Profiler.stop');
        const wall = Date.now() - wall0;
        const after = await metrics((m, x) => cdp.send(m, x));
        const ours = (f) => f.url.startsWith('chrome-extension://') || f.url.startsWith('wasm://');
        const cpu = attributedMs(profile, ours);
        let engineMs = null;
        if (engine) {
          const r = await engine.send('Profiler.stop');
          const e = attributedMs(r.profile, () => true);
          engineMs = e.busy;
          await engine.detach();
        }
        await cdp.detach();
        return {
          wall_ms: wall,
          content_script_cpu_ms: round(cpu.ours),
          engine_cpu_ms: engineMs == null ? undefined : round(engineMs),
          page_busy_profiled_ms: round(cpu.busy),
          task_duration_ms: round((after.TaskDuration - before.TaskDuration) * 1000),
          script_duration_ms: round((after.ScriptDuration - before.ScriptDuration) * 1000),
        };
      } finally {
        await b.close();
      }
    };
    // Without and with, alternately (the machine's load drifts); medians of the repeats.
    const withs = [];
    const withouts = [];
    for (let i = 0; i < N.churnReps; i++) {
      withouts.push(await measure(null));
      withs.push(await measure(EXT));
    }
    const med = (xs) => stats(xs).median;
    const share = withs.map((w) => (100 * (w.content_script_cpu_ms + (w.engine_cpu_ms || 0))) / w.wall_ms);
    const added = withs.map((w, i) => (100 * (w.task_duration_ms - withouts[i].task_duration_ms)) / w.wall_ms);
    out.push({
      path: p,
      secs: N.churnSecs,
      nodes_per_second: 500,
      repeats: N.churnReps,
      with: withs[0],
      without: withouts[0],
      runs_with: withs,
      runs_without: withouts,
      cpu_share_pct: round(med(share), 2),
      task_time_added_pct: round(med(added), 2),
    });
    log(`churn ${p}: ${JSON.stringify(out.at(-1))}`);
  }
  results.churn = out;
}

/** Assessments per second: natively (examples/throughput.rs) and in the browser (check_page). */
async function throughput(mis) {
  const dir = path.join(ROOT, 'out/bench');
  mkdirSync(dir, { recursive: true });
  const exe = path.join(BIN_DIR, 'examples/throughput');
  const args = ['--secs', String(N.throughputMs / 1000), '--json'];
  if (N.heavy) {
    const heavyJson = path.join(dir, 'heavy.snapshot.json');
    const heavyHtml = path.join(dir, 'heavy.html');
    writeFileSync(heavyJson, execFileSync(process.execPath, [path.join(ROOT, 'demo/mis/heavy.js'), '--today', TEST_TODAY], { maxBuffer: 1 << 28 }));
    writeFileSync(heavyHtml, execFileSync(process.execPath, [path.join(ROOT, 'demo/mis/server.js'), '--render', 'heavy', '--today', TEST_TODAY], { maxBuffer: 1 << 28 }));
    args.push('--heavy', heavyJson, '--heavy-html', heavyHtml);
  }
  const native = JSON.parse(execFileSync(exe, args, { encoding: 'utf8' }));

  // The CLI's audit over N snapshots (the demo patients repeated).
  const lines = execFileSync(process.execPath, [path.join(ROOT, 'demo/mis/data.js'), '--today', TEST_TODAY, '--jsonl'], { encoding: 'utf8', maxBuffer: 1 << 28 }).trim().split('\n');
  const auditFile = path.join(dir, `audit-${N.audit}.jsonl`);
  await new Promise((resolve, reject) => {
    const ws = createWriteStream(auditFile);
    ws.on('error', reject);
    let i = 0;
    const write = () => {
      let ok = true;
      while (i < N.audit && ok) ok = ws.write(`${lines[i++ % lines.length]}\n`);
      if (i < N.audit) ws.once('drain', write);
      else ws.end(resolve);
    };
    write();
  });
  const cli = path.join(BIN_DIR, 'precall');
  const t0 = process.hrtime.bigint();
  const audit = spawnSync(cli, ['audit', auditFile, '--now', TEST_CLOCK], { stdio: ['ignore', 'ignore', 'pipe'] });
  const auditMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (audit.status !== 0) throw new Error(`precall audit failed: ${audit.stderr}`);
  const auditBytes = statSync(auditFile).size;
  rmSync(auditFile);

  // In the browser: check_page (read the live page, assess, panel, script) in the content
  // script's world, repeatedly, on a typical card and on the heavy one.
  const browser = {};
  const b = await launch(EXT);
  try {
    for (const [card, id] of N.heavy ? [['typical', '1001'], ['heavy', 'heavy']] : [['typical', '1001']]) {
      const page = await b.context.newPage();
      await page.goto(`${mis.open}/patients/${id}`);
      await waitMark(page, MARKS.ours[1]);
      const world = await isolatedWorld(page, EXT_NAME);
      const ms = card === 'heavy' ? N.throughputMs * 3 : N.throughputMs;
      browser[`${card}_checks_per_s`] = round(await world.evaluate(`(async () => {
        const g = wasm_bindgen;
        await ${PAGE_CORE};
        const input = { config: null, now_ms: ${Date.parse(TEST_CLOCK)} };
        // As the content script calls it: the input and the answer as JSON text.
        const check = () => JSON.parse(g.check_page(JSON.stringify(input)));
        const first = check();
        if (first.status !== 'ok') throw new Error('check_page answered ' + first.status);
        let n = 0;
        const t0 = performance.now();
        while (performance.now() - t0 < ${ms} || n < 3) { check(); n++; }
        return n / ((performance.now() - t0) / 1000);
      })()`), 2);
      await world.detach();
      await page.close();
    }
  } finally {
    await b.close();
  }
  results.throughput = {
    native: { ...native, what: 'assess + panel + script per snapshot (examples/throughput.rs); heavy_extract_ms: reading the saved heavy page natively' },
    browser: { ...browser, what: 'check_page on the live page in the content script world: read + assess + panel + script' },
    audit: { snapshots: N.audit, bytes: auditBytes, ms: round(auditMs, 0), command: `${path.relative(ROOT, cli)} audit FILE --now ${TEST_CLOCK}` },
  };
  log(`throughput: ${JSON.stringify(results.throughput)}`);
}

// ---- targets and the table --------------------------------------------------------------------

function lat(pathName, card, kind) {
  return (results.latency || []).find((r) => r.path === pathName && r.card === card && r.kind === kind);
}

function targets() {
  const t = [];
  const add = (name, value, limit, unit, cmp = '<') => t.push({ name, value, target: `${cmp} ${limit} ${unit}`, met: value == null ? null : value < limit });
  for (const p of PATHS) {
    for (const kind of ['warm-load', 'warm-spa']) {
      add(`${p} ${kind} typical p95 (painted)`, lat(p, 'typical', kind)?.painted.p95, 10, 'ms');
      if (N.heavy) add(`${p} ${kind} heavy p95 (painted)`, lat(p, 'heavy', kind)?.painted.p95, 30, 'ms');
      const ours = lat(p, 'typical', kind)?.painted.median;
      const floor = lat('floor', 'typical', kind)?.painted.median;
      if (ours != null && floor) add(`${p} ${kind} typical / floor (median painted)`, round(ours / floor, 2), 3, 'x');
    }
    add(`${p} cold typical p95 (painted)`, lat(p, 'typical', 'cold')?.painted.p95, 150, 'ms');
    if (N.heavy) add(`${p} cold heavy p95 (painted)`, lat(p, 'heavy', 'cold')?.painted.p95, 150, 'ms');
    const pc = (results.page_cost || []).find((r) => r.path === p);
    if (pc) for (const card of N.heavy ? ['typical', 'heavy'] : ['typical']) add(`${p} page load ratio ${card}`, pc[`${card}_load_ratio`], 1.05, 'x');
    const m = (results.memory || []).find((r) => r.path === p);
    if (m) add(`${p} heap growth over ${m.switches} switches (B/switch)`, m.heap_growth_bytes_per_switch, 1024, 'B/switch');
    const c = (results.churn || []).find((r) => r.path === p);
    if (c) add(`${p} SPA churn CPU share`, c.cpu_share_pct, 2, '%');
  }
  if (results.size) add('.wasm size', results.size.wasm_bytes, 400 * 1024, 'bytes');
  results.targets = t;
}

function table() {
  const lines = [];
  const f = (s) => (s && s.median != null ? `${s.median} / ${s.p95}` : '-');
  lines.push('Overlay latency, ms from DOMContentLoaded (page) or the SPA\'s card-shown mark (spa): median / p95');
  lines.push('| path | card | kind | n | drawn | painted |');
  lines.push('|---|---|---|---|---|---|');
  for (const r of results.latency || []) lines.push(`| ${r.path} | ${r.card} | ${r.kind} | ${r.painted.n} | ${f(r.drawn)} | ${f(r.painted)} |`);
  if (results.page_cost) {
    lines.push('', 'Page cost (median / p95, ms): load event, long tasks, main-thread busy (TaskDuration)');
    lines.push('| path | card | load without | load with | ratio | long tasks without | long tasks with | busy without | busy with |');
    lines.push('|---|---|---|---|---|---|---|---|---|');
    for (const r of results.page_cost) {
      for (const card of N.heavy ? ['typical', 'heavy'] : ['typical']) {
        const w = r[`${card}_with`];
        const wo = r[`${card}_without`];
        lines.push(`| ${r.path} | ${card} | ${f(wo.load_ms)} | ${f(w.load_ms)} | ${r[`${card}_load_ratio`]} | ${f(wo.long_tasks_ms)} | ${f(w.long_tasks_ms)} | ${f(wo.main_thread_busy_ms)} | ${f(w.main_thread_busy_ms)} |`);
      }
    }
  }
  if (results.memory) {
    lines.push('', `Memory after ${N.switches} SPA switches in one tab (after GC)`);
    lines.push('| path | JS heap with | without | added | wasm memory | heap growth B/switch (without) | engine page JS heap |');
    lines.push('|---|---|---|---|---|---|---|');
    for (const m of results.memory) {
      lines.push(`| ${m.path} | ${m.js_heap_with_bytes} | ${m.js_heap_without_bytes} | ${m.js_heap_added_bytes} | ${m.wasm_memory_bytes} | ${m.heap_growth_bytes_per_switch} (${m.heap_growth_without_bytes_per_switch}) | ${m.engine_js_heap_bytes ?? '-'} |`);
    }
  }
  if (results.churn) {
    lines.push('', 'SPA churn: 500 unrelated nodes replaced per second (100 batches of 5)');
    lines.push('| path | secs x repeats | content-script CPU ms (each run) | engine CPU ms | share of wall (median) | main-thread task time added, with - without (median) |');
    lines.push('|---|---|---|---|---|---|');
    for (const c of results.churn) {
      lines.push(`| ${c.path} | ${c.secs} x ${c.repeats} | ${c.runs_with.map((w) => w.content_script_cpu_ms).join(', ')} | ${c.runs_with.map((w) => w.engine_cpu_ms ?? '-').join(', ')} | ${c.cpu_share_pct}% | ${c.task_time_added_pct}% |`);
    }
  }
  if (results.size) {
    lines.push('', `Size: .wasm ${results.size.wasm_bytes} bytes (the page core, extension/pkg/page_bg.wasm; the full core precall_bg.wasm ${results.size.wasm_full_bytes}); package ${results.size.package_zip_bytes} bytes (${results.size.package})`);
  }
  if (results.throughput) {
    const t = results.throughput;
    lines.push('', 'Throughput');
    lines.push(`- native: ${t.native.typical_assessments_per_s} typical assessments/s; heavy ${t.native.heavy_assessments_per_s ?? '-'} /s (${t.native.heavy_assessment_ms ?? '-'} ms each); heavy page read natively ${t.native.heavy_extract_ms ?? '-'} ms; heavy snapshot_from_value ${t.native.heavy_snapshot_from_value_ms ?? '-'} ms`);
    lines.push(`- browser (check_page on the live page): typical ${t.browser.typical_checks_per_s}/s; heavy ${t.browser.heavy_checks_per_s ?? '-'}/s`);
    lines.push(`- precall audit of ${t.audit.snapshots} snapshots (${t.audit.bytes} bytes): ${t.audit.ms} ms`);
  }
  if (results.targets) {
    lines.push('', 'Targets');
    lines.push('| target | value | limit | met |');
    lines.push('|---|---|---|---|');
    for (const t of results.targets) lines.push(`| ${t.name} | ${t.value ?? '-'} | ${t.target} | ${t.met == null ? '-' : t.met ? 'yes' : 'MISSED'} |`);
  }
  lines.push('', `Machine: ${results.machine.cpus} x ${results.machine.cpu_model}, ${results.machine.memory_gb} GB; ${results.machine.chromium}; node ${results.machine.node}; load average at start ${results.machine.load_avg_start.join(' ')}, at end ${results.machine.load_avg_end.join(' ')}; 1-min load during the run (every 10 s): min ${results.machine.load_1min_during.min}, median ${results.machine.load_1min_during.median}, max ${results.machine.load_1min_during.max}`);
  return lines.join('\n');
}

// ---- main -------------------------------------------------------------------------------------

const started = Date.now();
// The 1-minute load average every 10 s while the benchmark runs (other work on the machine).
const loadSamples = [os.loadavg()[0]];
const loadTimer = setInterval(() => loadSamples.push(os.loadavg()[0]), 10000);
const patients = await demoPatients();
const open = await startDemoMis({ csp: false });
const strict = await startDemoMis({ csp: true });
const mis = { open: open.base, strict: strict.base };
const floorDir = writeFloorExtension(mkdtempSync(path.join(os.tmpdir(), 'precall-floor-')), { root: ROOT });
try {
  // The server generates the heavy card once per date: not part of any measurement.
  if (N.heavy) await Promise.all([fetch(`${mis.open}/patients/heavy`), fetch(`${mis.strict}/patients/heavy`)].map((p) => p.then((r) => r.text())));
  const part = async (name, fn) => {
    if (!ONLY.includes(name)) return;
    const t0 = Date.now();
    await fn();
    log(`${name}: ${round((Date.now() - t0) / 1000)} s`);
  };
  await part('size', () => size());
  await part('latency', () => latency(mis, floorDir, patients));
  await part('page', () => pageCost(mis, patients, floorDir));
  await part('memory', () => memory(mis, patients));
  await part('churn', () => churn(mis));
  await part('throughput', () => throughput(mis));
} finally {
  for (const b of shared.values()) await b.reallyClose();
  open.stop();
  strict.stop();
  rmSync(floorDir, { recursive: true, force: true });
}
results.machine.load_avg_end = os.loadavg().map((x) => round(x, 2));
clearInterval(loadTimer);
results.machine.load_1min_during = { samples: loadSamples.length, min: round(Math.min(...loadSamples), 2), median: stats(loadSamples).median, max: round(Math.max(...loadSamples), 2) };
results.seconds = round((Date.now() - started) / 1000, 0);
targets();
mkdirSync(path.dirname(JSON_OUT), { recursive: true });
writeFileSync(JSON_OUT, `${JSON.stringify(results, null, 2)}\n`);
console.log(table());
console.log(`\nJSON: ${path.relative(process.cwd(), JSON_OUT) || JSON_OUT} (${results.seconds} s)`);
