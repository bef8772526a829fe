// The content script's CPU time during heavy unrelated DOM churn (a ticker replacing 200 nodes
// every 16 ms for 5 s, outside the patient card), measured with the CDP sampling profiler on
// the page's main thread: every sample whose stack holds one of our frames (content.js,
// overlay.js, the wasm glue, the wasm core) counts. Two paths: the wasm core in the content
// script (a single-page MIS, generic profile) and the strict-CSP demo MIS, where the content
// script copies the page for the offscreen engine (that engine's own work runs elsewhere).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  countEngineMessages, launchBrowser, readOverlays, ROOT, setSettings, startDemoMis, TEST_CLOCK, waitForOverlay,
} from './harness.mjs';

const CHURN_MS = 5000;
let server;
let base;
let mis;
let browser;

before(async () => {
  server = createServer((req, res) => {
    if (!req.url.startsWith('/spa')) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
      .end(readFileSync(path.join(ROOT, 'tests/e2e/pages/generic-spa.html')));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
  mis = await startDemoMis();
  browser = await launchBrowser();
  await setSettings(browser.worker, { config: null, clock: TEST_CLOCK });
});

after(async () => {
  await browser?.close();
  mis?.stop();
  server?.close();
});

/** Runs `churn` (resolves to a frame count) under the profiler; returns the times in ms. */
async function profile(page, churn) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const t0 = Date.now();
  const frames = await churn();
  const wall = Date.now() - t0;
  const { profile: p } = await cdp.send('Profiler.stop');
  await cdp.detach();
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const ours = new Map();
  const isOurs = (id) => {
    if (ours.has(id)) return ours.get(id);
    const mine = /^chrome-extension:\/\//.test(byId.get(id).callFrame.url) || (parent.has(id) && isOurs(parent.get(id)));
    ours.set(id, mine);
    return mine;
  };
  let ext = 0;
  let busy = 0;
  p.samples.forEach((id, i) => {
    const dt = (p.timeDeltas[i + 1] ?? 0) / 1000;
    const name = byId.get(id).callFrame.functionName;
    if (name !== '(idle)' && name !== '(program)') busy += dt;
    if (isOurs(id)) ext += dt;
  });
  if (process.env.CHURN_TOP) {
    const self = new Map();
    p.samples.forEach((id, i) => { if (isOurs(id)) { const f = byId.get(id).callFrame; const k = `${f.functionName || "(anon)"} ${f.url.split("/").pop()}:${f.lineNumber}`; self.set(k, (self.get(k) || 0) + (p.timeDeltas[i + 1] ?? 0) / 1000); } });
    console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${v.toFixed(1)} ${k}`).join("\n"));
  }
  return { frames, wall, busy, ext };
}

function report(label, r) {
  console.log(`# ${label}: ${r.frames} frames x 200 nodes in ${r.wall} ms; main thread busy ${r.busy.toFixed(0)} ms; `
    + `content script ${r.ext.toFixed(1)} ms (${((100 * r.ext) / r.wall).toFixed(2)}% of wall time)`);
}

test('wasm path (single-page MIS, generic profile): the content script stays under 5% of the time', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${base}/spa#/patients/77`);
  await waitForOverlay(page, (o) => o.verdict && o.who === 'Орлова Дарья Сергеевна');
  const r = await profile(page, () => page.evaluate((ms) => window.churn(ms, 200), CHURN_MS));
  report('churn, wasm path', r);
  assert.ok(r.ext < 0.05 * r.wall, `content script used ${r.ext.toFixed(1)} ms of ${r.wall} ms`);
  assert.equal((await readOverlays(page)).length, 1);
  await page.close();
});

/** Counts the page copies content scripts send to the engine page from now on. */
async function countEngineChecks() {
  const sent = await countEngineMessages(browser);
  return async () => {
    const n = await sent();
    return n.ahead + n.plain;
  };
}

test('engine path (strict-CSP demo MIS): no page copy while nothing relevant changes; a section change is re-checked', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${mis.base}/patients/1002`);
  const { overlay: booked } = await waitForOverlay(page);
  const engineChecks = await countEngineChecks();
  // CDP evaluation is not bound by the page's CSP: the same ticker, outside the card.
  const r = await profile(page, () => page.evaluate((ms) => new Promise((resolve) => {
    const feed = document.body.appendChild(document.createElement('ul'));
    const end = performance.now() + ms;
    let frames = 0;
    (function tick() {
      const items = [];
      for (let i = 0; i < 200; i++) {
        const li = document.createElement('li');
        li.textContent = `tick ${frames}-${i}: ${Math.random().toFixed(4)}`;
        items.push(li);
      }
      feed.replaceChildren(...items);
      frames++;
      if (performance.now() < end) setTimeout(tick, 16); else resolve(frames);
    })();
  }), CHURN_MS));
  report('churn, engine path (page copies)', r);
  assert.equal(await engineChecks(), 0, 'the sections the profile reads did not change: nothing to copy');
  assert.ok(r.ext < 0.15 * r.wall, `content script used ${r.ext.toFixed(1)} ms of ${r.wall} ms`);
  assert.equal((await readOverlays(page)).length, 1);
  // A change inside the card (the booked appointment is cancelled) is noticed and re-checked.
  await page.evaluate(() => {
    const cell = [...document.querySelectorAll('#section-appointments td')].find((td) => td.textContent.trim() === 'Записан');
    cell.textContent = 'Отменена';
  });
  const { overlay: cancelled } = await waitForOverlay(page, (o) => o.verdict && o.text !== booked.text);
  assert.ok(await engineChecks() >= 1, 'the changed card was copied to the engine');
  assert.ok(/записан/i.test(booked.text) && !/Уже записан/i.test(cancelled.text), cancelled.text);
  await page.close();
});
