// `make demo`: the demo MIS with the extension. With a display, a Chromium window opens on
// the demo MIS with the extension loaded. Without one (as on CI machines), headless Chromium
// goes through every demo patient, prints the verdict and every line the overlay shows, and
// saves one screenshot per patient.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { demoPatients, launchBrowser, ROOT, startDemoMis, waitForOverlay } from '../tests/e2e/harness.mjs';

const OUT = path.join(ROOT, 'out/demo');
const headed = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY) && !process.env.PRECALL_HEADLESS;

// The demo runs on today's real date and clock (the data's dates are relative to today).
const mis = await startDemoMis({ today: null, port: Number(process.env.PORT) || undefined });
console.log(`Demo MIS: ${mis.base}/patients  (SPA view: ${mis.base}/app)`);

if (headed) {
  const browser = await launchBrowser({ headless: false });
  const page = await browser.context.newPage();
  await page.goto(`${mis.base}/app`);
  console.log('Chromium is open with the extension loaded. Close the window (or press Ctrl+C) to stop.');
  await new Promise((resolve) => browser.context.on('close', resolve));
  mis.stop();
} else {
  mkdirSync(OUT, { recursive: true });
  const browser = await launchBrowser();
  const patients = await demoPatients(null);
  const counts = {};
  try {
    for (const p of patients) {
      const page = await browser.context.newPage();
      await page.goto(`${mis.base}/patients/${encodeURIComponent(p.patient.id)}`);
      const { overlay } = await waitForOverlay(page);
      counts[overlay.verdict] = (counts[overlay.verdict] || 0) + 1;
      console.log(`\n■ ${p.patient.id} · ${p.scenario.title_en}`);
      console.log(`  ${overlay.who || ''} → ${overlay.verdict.toUpperCase()} (${overlay.title})${overlay.subtitle ? ' · ' + overlay.subtitle : ''}`);
      if (overlay.reading) console.log(`  ↳ ${overlay.reading}${overlay.uncertain ? '  (⚠ not sure how to read the note)' : ''}`);
      for (const [group, items] of Object.entries(overlay.groups)) {
        for (const item of items) console.log(`  [${group}] ${item.text}`);
      }
      const file = path.join(OUT, `${p.patient.id}.png`);
      await page.screenshot({ path: file });
      await page.close();
    }
  } finally {
    await browser.close();
    mis.stop();
  }
  console.log(`\n${patients.length} patients: ${Object.entries(counts).map(([v, n]) => `${v} ${n}`).join(', ')}`);
  console.log(`Screenshots: ${OUT}/<patient id>.png`);
}
