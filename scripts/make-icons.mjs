// Draws the extension's icons (icons/icon-{16,32,48,128}.png): a blue rounded square with a
// white tick, the "checked before the call" mark. Plain Node (zlib), no image library; the PNGs
// are committed, so the build does not need this: run `node scripts/make-icons.mjs` to redraw.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../icons');
const SIZES = [16, 32, 48, 128];
const BLUE = [31, 111, 235];
const SS = 4; // supersamples per axis, for smooth edges

/** Coverage of the shape at (x, y) in a 0..1 square: 0 outside, 1 background, 2 tick. */
function shape(x, y) {
  const r = 0.2; // corner radius
  const dx = Math.max(r - x, 0, x - (1 - r));
  const dy = Math.max(r - y, 0, y - (1 - r));
  if (dx * dx + dy * dy > r * r) return 0;
  // The tick: two strokes, (0.26,0.52)-(0.43,0.69) and (0.43,0.69)-(0.75,0.33).
  const seg = (ax, ay, bx, by) => {
    const vx = bx - ax; const vy = by - ay;
    const t = Math.max(0, Math.min(1, ((x - ax) * vx + (y - ay) * vy) / (vx * vx + vy * vy)));
    return Math.hypot(x - ax - t * vx, y - ay - t * vy);
  };
  const d = Math.min(seg(0.26, 0.52, 0.43, 0.69), seg(0.43, 0.69, 0.75, 0.33));
  return d < 0.075 ? 2 : 1;
}

function png(size) {
  const rows = [];
  for (let py = 0; py < size; py += 1) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0, then RGBA
    for (let px = 0; px < size; px += 1) {
      let bg = 0; let tick = 0;
      for (let sy = 0; sy < SS; sy += 1) {
        for (let sx = 0; sx < SS; sx += 1) {
          const s = shape((px + (sx + 0.5) / SS) / size, (py + (sy + 0.5) / SS) / size);
          if (s === 1) bg += 1; else if (s === 2) tick += 1;
        }
      }
      const n = SS * SS; const a = (bg + tick) / n; const w = a ? tick / (bg + tick) : 0;
      const o = 1 + px * 4;
      for (let c = 0; c < 3; c += 1) row[o + c] = Math.round(BLUE[c] * (1 - w) + 255 * w);
      row[o + 3] = Math.round(a * 255);
    }
    rows.push(row);
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; // 8 bits, RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(OUT, { recursive: true });
for (const size of SIZES) writeFileSync(path.join(OUT, `icon-${size}.png`), png(size));
console.log(`icons: ${SIZES.map((s) => `icons/icon-${s}.png`).join(', ')}`);
