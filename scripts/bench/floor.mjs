// The floor for the benchmark (issue 9): a plain content-script extension generated from the
// demo profile's selectors. It makes the same DOM queries our core makes on a demo card (the
// section roots, the rows, each field's first CSS alternative, the patient key) and reads the
// same text, with no wasm and no overlay. Whatever the extension costs beyond this is ours.
//
// It is injected like our content script (same `run_at`), reads when ours does (just after
// the page's load event, or at once if that has passed), and on SPA switches (a new patient key after a batch of DOM
// changes) reads again at once. Marks on the page's timeline: `floor:read` (done reading) and
// `floor:frame` (the first frame after it, measured as ours is).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The first CSS alternative of a field (a string, or an object with `css`), if any. */
function firstCss(from) {
  for (const src of from || []) {
    if (typeof src === 'string') return { css: src };
    if (src && src.css) return { css: src.css, read: src.read };
    if (src && src.read) return { read: src.read };
    return null; // a label or column alternative first: no plain query to mirror
  }
  return null;
}

const roots = (r) => (Array.isArray(r) ? r : r ? [r] : []);

/** A JSON plan of the queries: [{root, rows?, fields:[...]}], fields: {css?, attr?, all?, root?, rows?, fields?}. */
export function floorPlan(profile) {
  const fields = (spec) => Object.values(spec || {}).map((f) => {
    if (f.fields) return { root: roots(f.root)[0] || null, rows: f.rows || null, fields: fields(f.fields) };
    const src = firstCss(f.from);
    if (!src) return null;
    const attr = src.read && src.read.startsWith('attr:') ? src.read.slice(5) : null;
    return { css: src.css || null, attr, all: Boolean(f.all) };
  }).filter(Boolean);
  return {
    signature: profile.signature,
    key: profile.patient_key.map((k) => ({ css: k.css, attr: (k.read || '').replace(/^attr:/, '') })),
    sections: Object.values(profile.sections).map((s) => ({ root: roots(s.root)[0] || null, rows: s.rows || null, fields: fields(s.fields) })),
  };
}

// The content script itself (plain JS; PLAN is replaced by the JSON plan).
const SCRIPT = `(() => {
  'use strict';
  const PLAN = __PLAN__;
  let sink = 0;
  const text = (n) => { if (n) sink += (n.textContent || '').trim().length; };
  function readFields(scope, fields) {
    for (const f of fields) {
      if (f.fields) {
        const inner = f.root ? scope.querySelector(f.root) : scope;
        if (!inner) continue;
        if (f.rows) for (const row of inner.querySelectorAll(f.rows)) readFields(row, f.fields);
        else readFields(inner, f.fields);
      } else if (f.css && f.all) {
        for (const n of scope.querySelectorAll(f.css)) text(n);
      } else if (f.css) {
        const n = scope.querySelector(f.css);
        if (n && f.attr) sink += (n.getAttribute(f.attr) || '').length; else text(n);
      } else if (f.attr) {
        sink += (scope.getAttribute(f.attr) || '').length;
      }
    }
  }
  function key() {
    if (!PLAN.signature.every((s) => document.querySelector(s))) return null;
    for (const k of PLAN.key) {
      const n = document.querySelector(k.css);
      if (n) return n.getAttribute(k.attr);
    }
    return null;
  }
  let lastKey;
  function read() {
    lastKey = key();
    if (lastKey == null) return;
    for (const s of PLAN.sections) {
      const root = s.root ? document.querySelector(s.root) : document.documentElement;
      if (!root) continue;
      if (s.rows) for (const row of root.querySelectorAll(s.rows)) readFields(row, s.fields);
      else readFields(root, s.fields);
    }
    performance.clearMarks('floor:read');
    performance.mark('floor:read', { detail: sink });
    requestAnimationFrame(() => setTimeout(() => {
      performance.clearMarks('floor:frame');
      performance.mark('floor:frame');
    }, 0));
  }
  function start() {
    read();
    new MutationObserver(() => { if (key() !== lastKey) read(); })
      .observe(document.body || document.documentElement, { childList: true, subtree: true });
  }
  // When ours reads: just after the page's load event.
  if (document.readyState === 'complete') start();
  else window.addEventListener('load', () => setTimeout(start, 0), { once: true });
})();
`;

/** Writes the floor extension into `dir` (created) and returns `dir`. */
export function writeFloorExtension(dir, { root }) {
  const profile = JSON.parse(readFileSync(path.join(root, 'profiles/demo-mis.json'), 'utf8'));
  const ours = JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8'));
  const cs = ours.content_scripts[0];
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'floor.js'), SCRIPT.replace('__PLAN__', JSON.stringify(floorPlan(profile))));
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
    manifest_version: 3,
    name: 'precall floor (benchmark)',
    version: '0.0.1',
    content_scripts: [{ matches: cs.matches, js: ['floor.js'], run_at: cs.run_at || 'document_idle' }],
  }, null, 2));
  return dir;
}
