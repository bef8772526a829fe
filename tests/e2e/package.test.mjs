// `make package` (issue #8): the store zip holds exactly the files the extension needs, and
// the extension unpacked from THAT zip loads in Chromium and checks a demo MIS patient on both
// core paths (the wasm in the content script, and the engine page on the strict-CSP MIS).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import zlib from 'node:zlib';
import { demoPatients, launchBrowser, ROOT, startDemoMis, waitForEngines, waitForOverlay } from './harness.mjs';

/** The entries of a zip, read from its central directory; every CRC checked. */
function unzip(buf) {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'an end of central directory record');
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const entries = [];
  for (let i = 0; i < count; i += 1) {
    assert.equal(buf.readUInt32LE(at), 0x02014b50, 'a central directory entry');
    const method = buf.readUInt16LE(at + 10);
    const crc = buf.readUInt32LE(at + 16);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLen);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + size);
    const data = method === 8 ? zlib.inflateRawSync(raw) : raw;
    assert.equal(zlib.crc32(data), crc, `${name}: CRC`);
    entries.push({ name, data });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

let out;
let made;
let entries;
before(async () => {
  out = mkdtempSync(path.join(tmpdir(), 'precall-package-'));
  const printed = execFileSync(process.execPath, [path.join(ROOT, 'scripts/package.mjs'), '--out', out], { cwd: ROOT, encoding: 'utf8' });
  console.log(printed.trim()); // the zip's size
  const { version } = JSON.parse(readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));
  made = path.join(out, `precall-${version}.zip`);
  entries = unzip(readFileSync(made));
});
after(() => rmSync(out, { recursive: true, force: true }));

test('the zip holds only what the extension needs', async () => {
  const names = entries.map((e) => e.name).sort();
  const allowed = /^(manifest\.json|schema\/managed_storage\.json|_locales\/[a-z_A-Z]+\/messages\.json|icons\/icon-\d+\.png|extension\/[\w-]+\.(js|html|css)|extension\/pkg\/(precall|page)(\.js|_classic\.js|_bg\.wasm))$/;
  for (const n of names) assert.match(n, allowed, `${n} does not belong in the store zip`);
  for (const need of ['manifest.json', '_locales/ru/messages.json', '_locales/en/messages.json', 'extension/background.js',
    'extension/content.js', 'extension/popup.html', 'extension/pkg/precall.js', 'extension/pkg/precall_bg.wasm']) {
    assert.ok(names.includes(need), `${need} is in the zip`);
  }
  // Byte for byte the repository's files (the built core as built); the manifest without its
  // "key" (the store assigns the id and refuses a key), otherwise the same.
  for (const { name, data } of entries) {
    if (name === 'manifest.json') continue;
    assert.ok(data.equals(readFileSync(path.join(ROOT, name))), `${name} as in the repository`);
  }
  const zipped = JSON.parse(entries.find((e) => e.name === 'manifest.json').data.toString('utf8'));
  const repo = JSON.parse(readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));
  assert.equal(zipped.key, undefined, 'no "key" in the store manifest');
  delete repo.key;
  assert.deepEqual(zipped, repo);
  assert.ok(names.includes(repo.storage.managed_schema), 'the managed-policy schema the manifest names');
  // The store asks for a 128 px icon; each declared icon is a PNG of its size.
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));
  assert.ok(manifest.icons['128']);
  for (const [size, file] of Object.entries(manifest.icons)) {
    const png = entries.find((e) => e.name === file).data;
    assert.equal(png.toString('latin1', 1, 4), 'PNG', `${file} is a PNG`);
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [Number(size), Number(size)], `${file} is ${size} px`);
  }
  // An independent reader agrees, where the machine has one.
  const check = spawnSync('unzip', ['-tq', made], { encoding: 'utf8' });
  if (!check.error) assert.equal(check.status, 0, check.stdout + check.stderr);
});

test('the unpacked zip loads in Chromium and checks a demo MIS patient on both core paths', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'precall-unzipped-'));
  for (const { name, data } of entries) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), data);
  }
  assert.ok(!existsSync(path.join(dir, 'tests')) && !existsSync(path.join(dir, 'src')));
  const strict = await startDemoMis({ csp: true });
  const open = await startDemoMis({ csp: false });
  const browser = await launchBrowser({ extensionDir: dir });
  try {
    assert.equal(new URL(browser.worker.url()).pathname, '/extension/background.js');
    const [p] = await demoPatients();
    for (const mis of [open, strict]) {
      const page = await browser.context.newPage();
      await page.goto(`${mis.base}/patients/${p.patient.id}`);
      const { overlay } = await waitForOverlay(page);
      assert.ok(overlay.verdict, `a verdict from the packaged extension (${mis === open ? 'wasm in the page' : 'engine page'})`);
      // The open MIS's first page is checked in the content script (no engine page ran), and
      // the engine page is started for the pages after it; the strict one needs it.
      await waitForEngines(browser.worker, 1);
      await page.close();
    }
  } finally {
    await browser.close();
    strict.stop();
    open.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
