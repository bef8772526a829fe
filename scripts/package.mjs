// `make package`: the store-ready zip, out/precall-<version>.zip, holding only what the
// extension needs: the manifest, _locales, the icons, extension/*.{js,html,css} and the built
// core (extension/pkg: the wasm-bindgen glue and the .wasm). Nothing else of the repository
// (tests, demo, sources, target, node_modules). Every file the manifest or a page names must be
// in it, or this fails. Plain Node (zlib), no zip tool needed; the same files give the same zip
// (fixed timestamps, sorted names).
//
//   node scripts/package.mjs [--out DIR]     prints the zip's path, file count and size
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const list = (dir, re) => (existsSync(path.join(ROOT, dir)) ? readdirSync(path.join(ROOT, dir)).filter((f) => re.test(f)).sort().map((f) => `${dir}/${f}`) : []);

/** The files of the package, relative to the repository, sorted. */
export function packageFiles() {
  const locales = readdirSync(path.join(ROOT, '_locales')).sort().map((l) => `_locales/${l}/messages.json`);
  const m = JSON.parse(readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));
  return [
    'manifest.json',
    ...locales,
    ...(m.storage && m.storage.managed_schema ? [m.storage.managed_schema] : []),
    ...list('icons', /^icon-\d+\.png$/),
    ...list('extension', /\.(js|html|css)$/),
    'extension/pkg/precall.js',
    'extension/pkg/precall_classic.js',
    'extension/pkg/precall_bg.wasm',
    'extension/pkg/page.js',
    'extension/pkg/page_classic.js',
    'extension/pkg/page_bg.wasm',
  ].sort();
}

/** Every file the manifest and the extension's pages refer to (checked to be in the package). */
export function referencedFiles() {
  const m = JSON.parse(readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));
  const refs = new Set([
    m.background.service_worker,
    m.options_ui && m.options_ui.page,
    m.action && m.action.default_popup,
    ...Object.values(m.icons || {}),
    ...Object.values((m.action && m.action.default_icon) || {}),
    ...(m.content_scripts || []).flatMap((c) => [...(c.js || []), ...(c.css || [])]),
    ...(m.web_accessible_resources || []).flatMap((w) => w.resources),
    `_locales/${m.default_locale}/messages.json`,
    m.storage && m.storage.managed_schema,
  ].filter(Boolean));
  for (const page of [...refs].filter((f) => f.endsWith('.html'))) {
    const html = readFileSync(path.join(ROOT, page), 'utf8');
    for (const [, src] of html.matchAll(/<(?:script|link)[^>]*\b(?:src|href)="([^"]+)"/g)) refs.add(path.posix.join(path.posix.dirname(page), src));
  }
  return [...refs].sort();
}

/** Copies the package's files (those `keep` accepts) into `dir`: an unpacked extension for tests. */
export function copyPackageFiles(dir, keep = () => true) {
  for (const f of packageFiles().filter(keep)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), readFileSync(path.join(ROOT, f)));
  }
}

const DOS_TIME = 0;                                   // 00:00:00
const DOS_DATE = ((2026 - 1980) << 9) | (1 << 5) | 1; // 2026-01-01: the same files, the same zip

/** A zip (deflate) of `entries`: [{ name, data }]. */
export function zip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBuf = Buffer.from(name, 'utf8');
    const packed = zlib.deflateRawSync(data, { level: 9 });
    const crc = zlib.crc32(data);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);            // version needed
    head.writeUInt16LE(0x0800, 6);        // UTF-8 names
    head.writeUInt16LE(8, 8);             // deflate
    head.writeUInt16LE(DOS_TIME, 10);
    head.writeUInt16LE(DOS_DATE, 12);
    head.writeUInt32LE(crc, 14);
    head.writeUInt32LE(packed.length, 18);
    head.writeUInt32LE(data.length, 22);
    head.writeUInt16LE(nameBuf.length, 26);
    head.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4);     // made by: Unix, 3.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
    central.writeUInt32LE(offset, 42);
    locals.push(head, nameBuf, packed);
    centrals.push(central, nameBuf);
    offset += head.length + nameBuf.length + packed.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

/**
 * The manifest as the store takes it: without "key" (the repository's manifest carries one so
 * the unpacked extension has a stable id for policies and tests; the store assigns its own id
 * and refuses an upload that has a key).
 */
export function storeManifest() {
  const m = JSON.parse(readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));
  delete m.key;
  return Buffer.from(`${JSON.stringify(m, null, 2)}\n`);
}

/** Builds the zip into `outDir`; returns { file, files, bytes }. */
export function makePackage(outDir = path.join(ROOT, 'out')) {
  const files = packageFiles();
  const missing = files.filter((f) => !existsSync(path.join(ROOT, f)));
  if (missing.length) throw new Error(`missing ${missing.join(', ')} (run make build)`);
  const unlisted = referencedFiles().filter((f) => !files.includes(f));
  if (unlisted.length) throw new Error(`the manifest or a page needs ${unlisted.join(', ')}, which the package leaves out`);
  const { version } = JSON.parse(readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));
  const data = zip(files.map((name) => ({ name, data: name === 'manifest.json' ? storeManifest() : readFileSync(path.join(ROOT, name)) })));
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `precall-${version}.zip`);
  writeFileSync(file, data);
  return { file, files, bytes: data.length };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--out');
  const { file, files, bytes } = makePackage(at > 0 ? path.resolve(process.argv[at + 1]) : undefined);
  console.log(`${path.relative(process.cwd(), file)}: ${files.length} files, ${bytes} bytes (${(bytes / 1024).toFixed(0)} KB)`);
}
