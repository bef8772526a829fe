import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { CHROMIUM, ROOT, startDemoMis } from '../tests/e2e/harness.mjs';
import { floorPlan } from './bench/floor.mjs';
const plan = floorPlan(JSON.parse(readFileSync(`${ROOT}/profiles/demo-mis.json`, 'utf8')));
const mis = await startDemoMis({ csp: false });
const b = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const page = await b.newPage();
await page.goto(`${mis.base}/patients/${process.argv[2] || 'heavy'}`);
const r = await page.evaluate((PLAN) => {
  let sink = 0;
  const text = (n) => { if (n) sink += (n.textContent || '').trim().length; };
  function readFields(scope, fields, qsa) {
    for (const f of fields) {
      if (f.fields) { const inner = f.root ? scope.querySelector(f.root) : scope; if (!inner) continue; if (f.rows) for (const row of inner.querySelectorAll(f.rows)) readFields(row, f.fields, qsa); else readFields(inner, f.fields, qsa); }
      else if (f.css && f.all) { for (const n of scope.querySelectorAll(f.css)) text(n); }
      else if (f.css) { const n = qsa ? scope.querySelectorAll(f.css)[0] : scope.querySelector(f.css); if (n && f.attr) sink += (n.getAttribute(f.attr) || '').length; else text(n); }
    }
  }
  function read(qsa) { for (const s of PLAN.sections) { const root = s.root ? document.querySelector(s.root) : document.documentElement; if (!root) continue; if (s.rows) for (const row of root.querySelectorAll(s.rows)) readFields(row, s.fields, qsa); else readFields(root, s.fields, qsa); } }
  const res = {};
  for (const qsa of [false, true, false, true]) { const t = performance.now(); read(qsa); const dt = performance.now() - t; const k = qsa ? 'qsa' : 'qs'; res[k] = Math.min(res[k] ?? 1e9, dt); }
  // micro: instanceof vs matches
  const cells = [...document.querySelectorAll('td')].slice(0, 50000);
  let t = performance.now(); let c = 0; for (const n of cells) { if (n instanceof HTMLInputElement || n instanceof HTMLSelectElement || n instanceof HTMLTextAreaElement) c++; } res.instanceof3 = performance.now() - t;
  t = performance.now(); for (const n of cells) { if (n.matches('input, select, textarea')) c++; } res.matches = performance.now() - t;
  t = performance.now(); for (const n of cells) { c += n.textContent.length; } res.textContent = performance.now() - t;
  t = performance.now(); for (const n of document.querySelectorAll('tr.visit-row')) { c += n.querySelectorAll('ul.visit-services > li.visit-service').length; } res.visitServicesQsa = performance.now() - t;
  t = performance.now(); for (const n of document.querySelectorAll('tr.visit-row')) { c += n.querySelectorAll(':scope ul.visit-services > li.visit-service').length; } res.visitServicesScope = performance.now() - t;
  t = performance.now(); for (const n of document.querySelectorAll('tr.visit-row')) { c += n.querySelectorAll('li.visit-service').length; } res.visitServicesSimple = performance.now() - t;
  res.cells = cells.length; res.sink = sink + c;
  return res;
}, plan);
console.log(JSON.stringify(r));
await b.close(); mis.stop();
