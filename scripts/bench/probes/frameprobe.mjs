// Page load with N same-site iframes that show no patient (widgets): the top page's load time
// per extension variant, loads in rotation. node frameprobe.mjs ROUNDS NFRAMES DIR|none ...
import { chromium } from '../../../node_modules/playwright-core/index.mjs';
import http from 'node:http';
import { mkdtempSync } from 'node:fs'; import os from 'node:os'; import path from 'node:path';
const [rounds, nframes, ...variants] = process.argv.slice(2);
const rows = Array.from({ length: 40 }, (_, i) => `<tr><td>${i}</td><td>Строка ${i}</td><td>${i * 100} ₽</td></tr>`).join('');
const server = http.createServer((req, res) => {
  res.setHeader('content-type', 'text/html; charset=utf-8');
  if (req.url.startsWith('/frame')) return res.end(`<!doctype html><html><body><h3>Виджет</h3><table>${rows}</table></body></html>`);
  const frames = Array.from({ length: Number(nframes) }, (_, i) => `<iframe src="/frame/${i}?r=${Math.random()}" width="300" height="200"></iframe>`).join('');
  res.end(`<!doctype html><html><head><title>MIS</title></head><body><h1>Расписание</h1><table>${rows}${rows}</table>${frames}</body></html>`);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const browsers = [];
for (const v of variants) {
  const args = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-gpu', '--disable-dev-shm-usage'];
  if (v !== 'none') args.push(`--disable-extensions-except=${v}`, `--load-extension=${v}`);
  const context = await chromium.launchPersistentContext(mkdtempSync(path.join(os.tmpdir(), 'fp-')), { executablePath: '/usr/bin/chromium', headless: true, args });
  browsers.push({ v, context, rows: [] });
}
await new Promise((r) => setTimeout(r, 1000));
for (let r = -1; r < Number(rounds); r++) {
  const order = browsers.map((_, i) => browsers[(i + r + 1) % browsers.length]);
  for (const b of order) {
    const page = await b.context.newPage();
    await page.goto(`${base}/top?${r}`, { waitUntil: 'load' });
    await page.waitForTimeout(300);
    const t = await page.evaluate(() => { const n = performance.getEntriesByType('navigation')[0]; return { dcl: n.domContentLoadedEventStart, load: n.loadEventEnd }; });
    await page.close();
    if (r >= 0) b.rows.push(t);
  }
}
const med = (v) => { v = v.slice().sort((a, b) => a - b); return v[Math.floor(v.length / 2)]; };
for (const b of browsers) console.log(b.v.padEnd(20), 'dcl', med(b.rows.map((x) => x.dcl)).toFixed(1), 'load', med(b.rows.map((x) => x.load)).toFixed(1));
for (const b of browsers) await b.context.close();
server.close();
