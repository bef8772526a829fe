// A quick run of the benchmark (`make bench`, scripts/bench.mjs --smoke): every part once,
// on a small page, in the content-script path only, with the debug build of the native
// programs. It checks that the benchmark runs and that its output has the published shape;
// the numbers themselves are not checked here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../e2e/harness.mjs';

const stat = (s, where) => {
  assert.ok(s && typeof s === 'object', `${where}: a statistic`);
  assert.ok(Number.isInteger(s.n) && s.n > 0, `${where}.n`);
  assert.equal(typeof s.median, 'number', `${where}.median`);
  assert.equal(typeof s.p95, 'number', `${where}.p95`);
  assert.ok(s.p95 >= s.median, `${where}: p95 >= median`);
};

test('make bench (smoke): runs and writes the table and the JSON', { timeout: 120000 }, () => {
  const json = path.join(ROOT, 'out/bench-smoke.json');
  const run = spawnSync(process.execPath, ['scripts/bench.mjs', '--smoke', '--bin-dir', 'target/debug', '--json', json], {
    cwd: ROOT, encoding: 'utf8', timeout: 110000,
  });
  assert.equal(run.status, 0, `bench failed:\n${run.stderr}\n${run.stdout}`);
  for (const heading of ['Overlay latency', 'Page cost', 'Memory', 'SPA churn', 'Size', 'Throughput', 'Targets', 'Machine']) {
    assert.match(run.stdout, new RegExp(heading), `the table has "${heading}"`);
  }
  const r = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(r.schema, 'precall.bench/1');
  assert.equal(r.smoke, true);
  assert.ok(r.machine.cpus > 0 && r.machine.load_avg_start.length === 3);
  const kinds = r.latency.map((l) => `${l.path}/${l.card}/${l.kind}`);
  for (const k of ['in-page/typical/cold', 'in-page/typical/warm-load', 'in-page/typical/warm-idle', 'in-page/typical/warm-spa', 'floor/typical/warm-load', 'floor/typical/warm-spa']) {
    assert.ok(kinds.includes(k), `latency ${k} (have ${kinds})`);
  }
  for (const l of r.latency) {
    stat(l.drawn, `${l.path}/${l.kind}.drawn`);
    stat(l.painted, `${l.path}/${l.kind}.painted`);
    assert.ok(l.painted.median >= l.drawn.median, 'painted after drawn');
  }
  const pc = r.page_cost.find((p) => p.path === 'in-page');
  stat(pc.typical_with.load_ms, 'page.with.load');
  stat(pc.typical_without.load_ms, 'page.without.load');
  assert.equal(typeof pc.typical_load_ratio, 'number');
  const mem = r.memory.find((m) => m.path === 'in-page');
  assert.ok(mem.js_heap_with_bytes > 0 && mem.wasm_memory_bytes > 0, 'memory read');
  assert.equal(typeof mem.heap_growth_bytes_per_switch, 'number');
  const churn = r.churn.find((c) => c.path === 'in-page');
  assert.equal(typeof churn.cpu_share_pct, 'number');
  assert.ok(churn.with.wall_ms > 0);
  assert.ok(r.size.wasm_bytes > 0 && r.size.package_zip_bytes > 0);
  assert.ok(r.throughput.native.typical_assessments_per_s > 0);
  assert.ok(r.throughput.browser.typical_checks_per_s > 0);
  assert.equal(r.throughput.audit.snapshots, 1000);
  assert.ok(r.targets.length > 0 && r.targets.every((t) => 'met' in t && 'target' in t));
});
