// Both locales end to end (issue 8, "Languages"): with no language chosen in the settings, the
// overlay, the dial dialog and the options page speak the browser's language (a Chromium
// launched in English, one in Russian), on both core paths (the content script's wasm on a page
// without CSP; the offscreen engine on the strict-CSP demo MIS); dates are written the locale's
// way; the user's choice (settings.config.locale) wins over the browser's. The expected words
// are read from _locales, the files the extension reads.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { copyPackageFiles } from '../../scripts/package.mjs';
import {
  demoPatients, launchBrowser, ROOT, setSettings, startDemoMis, TEST_CLOCK, waitForDialog, waitForOverlay,
} from './harness.mjs';

const messages = (lang) => Object.fromEntries(Object.entries(
  JSON.parse(readFileSync(path.join(ROOT, `_locales/${lang}/messages.json`), 'utf8'))).map(([k, v]) => [k, v.message]));
/** How each locale writes a date with its year in the overlay's context lines. */
const DATE = { ru: /\b\d\d\.\d\d\.\d{4}\b/, en: /\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b/ };

let strict;
let open;
let patients;

before(async () => {
  patients = await demoPatients();
  strict = await startDemoMis();
  open = await startDemoMis({ csp: false });
});

after(() => {
  strict?.stop();
  open?.stop();
});

/** The overlay's chrome is in `lang`: brand, verdict title, every group's heading, the context dates. */
function assertOverlayIn(overlay, lang) {
  const m = messages(lang);
  assert.ok(overlay.text.includes(m.overlay_brand), `brand in ${lang}: ${overlay.text.slice(0, 200)}`);
  assert.equal(overlay.title, m[`overlay_verdict_${overlay.verdict}`]);
  for (const kind of Object.keys(overlay.groups)) {
    if (kind === 'script') continue;
    assert.ok(overlay.text.includes(m[`overlay_${kind}`]), `heading of ${kind} in ${lang}`);
  }
  const context = (overlay.groups.context || []).map((i) => i.text).join('\n');
  assert.match(context, DATE[lang], `a date written the ${lang} way: ${context}`);
  assert.doesNotMatch(context, DATE[lang === 'ru' ? 'en' : 'ru']);
}

for (const lang of ['en', 'ru']) {
  describe(`a browser in ${lang === 'en' ? 'English' : 'Russian'}, no language chosen`, () => {
    let browser;
    const m = messages(lang);

    before(async () => {
      browser = await launchBrowser({ lang, dialOrigins: [strict.base, open.base] });
      await setSettings(browser.worker, { config: null, clock: TEST_CLOCK });
    });

    after(async () => { await browser?.close(); });

    for (const [name, mis] of [['the content script path', () => open], ['the engine path (strict CSP)', () => strict]]) {
      test(`the overlay and the dial dialog (${name})`, async () => {
        const p = patients.find((x) => x.patient.id === '1001');
        const page = await browser.context.newPage();
        await page.goto(`${mis().base}/patients/${p.patient.id}`);
        const { overlay } = await waitForOverlay(page);
        assert.equal(overlay.verdict, p.scenario.expect.verdict);
        assertOverlayIn(overlay, lang);
        await page.click('a.btn-call');
        const dialog = await waitForDialog(page);
        assert.equal(dialog.state, 'dial');
        assert.ok(dialog.text.includes(m.dialog_brand), dialog.text);
        assert.equal(dialog.testids.cancel.text, m.dialog_cancel);
        assert.equal(dialog.testids.dial.text, m.dialog_dial_call);
        await page.keyboard.press('Escape');
        await page.close();
      });
    }

    test('the options page', async () => {
      const page = await browser.context.newPage();
      await page.goto(`chrome-extension://${browser.extensionId}/extension/options.html`);
      await page.waitForFunction((lang) => document.documentElement.lang === lang, lang);
      assert.equal(await page.textContent('h1'), m.options_title);
      assert.equal(await page.textContent('#export-json'), m.options_export_json);
      await page.close();
    });
  });
}

test("the user's choice wins over the browser's language, and applies without a reload", async () => {
  const browser = await launchBrowser({ lang: 'en' });
  try {
    await setSettings(browser.worker, { config: null, clock: TEST_CLOCK });
    const page = await browser.context.newPage();
    await page.goto(`${open.base}/patients/1001`);
    assertOverlayIn((await waitForOverlay(page)).overlay, 'en');
    await setSettings(browser.worker, { config: { locale: 'ru' }, clock: TEST_CLOCK });
    const ru = messages('ru');
    const { overlay } = await waitForOverlay(page, (o) => o.verdict && o.text.includes(ru.overlay_brand));
    assertOverlayIn(overlay, 'ru');
    await page.close();
  } finally {
    await browser.close();
  }
});

test('without a core (a broken .wasm) the message is in the browser\'s language too', async () => {
  // The words then come from _locales through the service worker, not from the core.
  const dir = mkdtempSync(path.join(tmpdir(), 'precall-broken-en-'));
  copyPackageFiles(dir);
  // Both cores: the content script's (page_bg) and the one the worker and the engine page load.
  for (const f of ['page_bg.wasm', 'precall_bg.wasm']) writeFileSync(path.join(dir, 'extension/pkg', f), 'this is not WebAssembly');
  const browser = await launchBrowser({ extensionDir: dir, lang: 'en' });
  try {
    const page = await browser.context.newPage();
    await page.goto(`${open.base}/patients/1001`);
    const en = messages('en');
    const { overlay } = await waitForOverlay(page, (o) => o.message);
    assert.ok(overlay.message.includes(en.overlay_load_failed), overlay.message);
    assert.ok(overlay.message.includes(en.overlay_brand), overlay.message);
    await page.close();
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
