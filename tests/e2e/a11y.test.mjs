// Accessibility (issue 8, "Languages and access"): axe-core (npm) finds no serious or critical
// violation in the overlay (expanded and collapsed), the dial dialog (blocked and permitted),
// the outcome form and the options page, in the light and the dark theme (Playwright's
// colorScheme, which sets prefers-color-scheme; axe's color-contrast rule runs in both); the
// dark theme really changes the overlay's colours; and the overlay and the dialogs work with
// the keyboard alone (focus order, Escape, visible focus, focus kept in the dialog).
//
// How axe sees inside: the overlay and the dialogs live in CLOSED shadow roots, which axe (like
// any page script) cannot enter. This test loads a copy of the extension in which the one
// `attachShadow({ mode: 'closed' })` of overlay.js and of dialog.js is changed to 'open' (and
// nothing else: the copy is checked), so axe, injected into the demo MIS page, walks the same
// DOM and the same constructed stylesheets as the shipped extension draws. The shipped files
// stay closed (manifest.test.mjs and the other tests check the real ones). axe also cannot
// compute colours for elements outside <body> (its colour-contrast answers "incomplete" for
// all of them), and the extension appends its hosts to <html> so that an MIS replacing its
// <body> does not drop them; before each run the hosts are moved into <body> (same position:
// fixed boxes, same shadow roots), and the test checks that colour contrast was really computed.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { copyPackageFiles } from '../../scripts/package.mjs';
import {
  demoPatients, launchBrowser, readDialog, ROOT, setSettings, startDemoMis, TEST_CLOCK, waitForDialog, waitForOverlay,
} from './harness.mjs';

const AXE = readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const CLOSED = "attachShadow({ mode: 'closed' })";

let dir;
let mis;
let browser;
let patients;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'precall-a11y-'));
  copyPackageFiles(dir);
  for (const f of ['overlay.js', 'dialog.js']) {
    const file = path.join(dir, 'extension', f);
    const text = readFileSync(file, 'utf8');
    assert.equal(text.split(CLOSED).length, 2, `${f}: one closed shadow root to open`);
    writeFileSync(file, text.replace(CLOSED, "attachShadow({ mode: 'open' })"));
  }
  patients = await demoPatients();
  mis = await startDemoMis({ csp: false });
  browser = await launchBrowser({ extensionDir: dir, dialOrigins: [mis.base] });
  await setSettings(browser.worker, { config: null, clock: TEST_CLOCK });
});

after(async () => {
  await browser?.close();
  mis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * axe's serious and critical violations under `selector` (the whole document without one).
 * Also checks that axe computed the colour contrast of at least `contrasted` elements there.
 */
async function axe(page, selector, { contrasted = 5, runOnly } = {}) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const { violations, contrast, unsure } = await page.evaluate(async ({ sel, runOnly }) => {
    for (const host of document.querySelectorAll('html > precall-overlay, html > precall-dialog')) {
      const active = host.shadowRoot.activeElement; // moving the host drops the focus: put it back
      document.body.append(host);
      if (active) active.focus();
    }
    const context = sel ? document.querySelector(sel) : document;
    if (!context) throw new Error(`nothing to check: ${sel}`);
    const r = await window.axe.run(context, runOnly ? { runOnly } : {});
    const cc = r.passes.concat(r.violations).find((v) => v.id === 'color-contrast');
    const inc = r.incomplete.find((v) => v.id === 'color-contrast');
    return {
      unsure: inc ? inc.nodes.slice(0, 4).map((n) => `${n.target.join(' > ')}: ${n.any.map((a) => JSON.stringify(a.data)).join()}`) : [],
      contrast: cc ? cc.nodes.length : 0,
      violations: r.violations.map((v) => ({
        id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(' > ')}: ${n.failureSummary}`),
      })),
    };
  }, { sel: selector, runOnly });
  assert.ok(contrast >= contrasted, `axe computed the contrast of ${contrast} elements (expected ${contrasted} or more); not sure of ${unsure.join('; ')}`);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

async function card(id) {
  const page = await browser.context.newPage();
  await page.goto(`${mis.base}/patients/${id}`);
  await waitForOverlay(page);
  return page;
}

/** The overlay's panel inside its (here open) shadow root. */
const panelStyle = (page) => page.evaluate(() => {
  const box = document.querySelector('precall-overlay').shadowRoot.querySelector('.panel');
  const s = getComputedStyle(box);
  return { color: s.color, background: s.backgroundColor };
});

/** The focused element, looking into our shadow roots: { host, testid, label, outline }. */
const focused = (page) => page.evaluate(() => {
  let el = document.activeElement;
  const host = el && el.shadowRoot ? el.localName : null;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  const s = el ? getComputedStyle(el) : null;
  return {
    host,
    tag: el && el.localName,
    testid: el && el.getAttribute('data-testid'),
    label: el && el.getAttribute('aria-label'),
    expanded: el && el.getAttribute('aria-expanded'),
    href: el && el.getAttribute('href'),
    outline: s && s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
  };
});

const blockedPatient = () => patients.find((x) => x.scenario.expect.rules.includes('do_not_contact'));

for (const colorScheme of ['light', 'dark']) {
  describe(`axe, ${colorScheme} theme`, () => {
    test('the overlay, expanded and collapsed', async () => {
      const page = await card('1001');
      await page.emulateMedia({ colorScheme });
      assert.deepEqual(await axe(page, 'precall-overlay'), [], 'expanded');
      await page.evaluate(() => document.querySelector('precall-overlay').shadowRoot.querySelector('[data-testid="collapse"]').click());
      assert.equal(await page.evaluate(() => document.querySelector('precall-overlay').shadowRoot.querySelector('.panel.collapsed') !== null), true);
      assert.deepEqual(await axe(page, 'precall-overlay', { contrasted: 2 }), [], 'collapsed (only the header shows)');
      await page.close();
    });

    test('the dial dialog (blocked and permitted) and the outcome form', async () => {
      const blocked = await card(blockedPatient().patient.id);
      await blocked.emulateMedia({ colorScheme });
      await blocked.click('a.btn-call');
      assert.equal((await waitForDialog(blocked)).blocked, true);
      assert.deepEqual(await axe(blocked, 'precall-dialog'), [], 'blocked dial dialog');
      await blocked.close();
      const page = await card('1001');
      await page.emulateMedia({ colorScheme });
      await page.click('a.btn-call');
      assert.equal((await waitForDialog(page)).state, 'dial');
      assert.deepEqual(await axe(page, 'precall-dialog'), [], 'dial dialog');
      await page.keyboard.press('Enter');
      await waitForDialog(page, (d) => d && d.state === 'outcome');
      assert.deepEqual(await axe(page, 'precall-dialog'), [], 'outcome form');
      await page.keyboard.press('Escape');
      await page.close();
    });

    test('the options page', async () => {
      const page = await browser.context.newPage();
      await page.emulateMedia({ colorScheme });
      await page.goto(`chrome-extension://${browser.extensionId}/extension/options.html`);
      await page.waitForFunction(() => document.querySelector('#log-status').textContent.length > 0);
      assert.deepEqual(await axe(page), []);
      await page.close();
    });

    test('the report and profiles pages', async () => {
      for (const [file, ready] of [['report.html', 'main'], ['profiles.html', 'main']]) {
        const page = await browser.context.newPage();
        await page.emulateMedia({ colorScheme });
        await page.goto(`chrome-extension://${browser.extensionId}/extension/${file}`);
        await page.waitForSelector(ready);
        await page.waitForLoadState('networkidle');
        await page.waitForTimeout(300); // the page fills itself from storage and the core
        assert.deepEqual(await axe(page, null, { contrasted: 3 }), [], file);
        await page.close();
      }
    });
  });
}

test('the dark theme follows the system: other colours, and contrast kept', async () => {
  const page = await card('1001');
  await page.emulateMedia({ colorScheme: 'light' });
  const light = await panelStyle(page);
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await panelStyle(page);
  assert.notEqual(light.background, dark.background);
  assert.notEqual(light.color, dark.color);
  assert.deepEqual(await axe(page, 'precall-overlay', { contrasted: 10, runOnly: ['color-contrast'] }), [], 'color-contrast in the dark theme');
  await page.close();
});

test('keyboard alone: the dial dialog and the overlay, with visible focus', async () => {
  const page = await card('1001');
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Tab from the top of the page to the call link (the MIS's own focus order).
  let f;
  for (let i = 0; i < 150; i++) {
    await page.keyboard.press('Tab');
    f = await focused(page);
    if (f.href && f.href.startsWith('tel:')) break;
  }
  assert.ok(f.href && f.href.startsWith('tel:'), 'the call link is reachable by Tab');
  const link = f.href;
  // Enter opens the dialog with the focus on its first action, visibly.
  await page.keyboard.press('Enter');
  await waitForDialog(page);
  f = await focused(page);
  assert.equal(f.host, 'precall-dialog');
  assert.equal(f.testid, 'dial');
  assert.ok(f.outline, 'visible focus in the dialog');
  // Tab and Shift+Tab stay inside the dialog (it is modal).
  for (const key of ['Tab', 'Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
    await page.keyboard.press(key);
    f = await focused(page);
    assert.equal(f.host, 'precall-dialog', `${key} keeps the focus in the dialog`);
    assert.ok(f.outline, `visible focus on ${f.tag} ${f.testid || ''}`);
  }
  // Escape closes it and gives the focus back to the link.
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('precall-dialog'));
  f = await focused(page);
  assert.equal(f.href, link, 'the focus is back on the link');

  // On to the overlay (after the page's own content in the focus order).
  for (let i = 0; i < 150; i++) {
    await page.keyboard.press('Tab');
    f = await focused(page);
    if (f.host === 'precall-overlay') break;
  }
  assert.equal(f.host, 'precall-overlay', 'the overlay is reachable by Tab');
  assert.ok(f.outline, 'visible focus in the overlay');
  while (f.testid !== 'collapse') {
    await page.keyboard.press('Tab');
    f = await focused(page);
    assert.equal(f.host, 'precall-overlay');
  }
  assert.equal(f.expanded, 'true');
  await page.keyboard.press('Enter');
  f = await focused(page);
  assert.equal(f.expanded, 'false', 'Enter collapses');
  await page.keyboard.press('Enter');
  f = await focused(page);
  assert.equal(f.expanded, 'true', 'Enter expands');
  // Escape inside the panel collapses it and keeps the focus on the toggle.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Escape');
  f = await focused(page);
  assert.equal(f.testid, 'collapse');
  assert.equal(f.expanded, 'false', 'Escape collapses');
  await page.keyboard.press('Enter');
  // The outcome form from the panel, by keyboard: Tab to it, Enter, 2 (no answer), Enter.
  for (let i = 0; i < 40 && f.testid !== 'outcome-open'; i++) {
    await page.keyboard.press('Tab');
    f = await focused(page);
  }
  assert.equal(f.testid, 'outcome-open');
  assert.ok(f.outline, 'visible focus');
  await page.keyboard.press('Enter');
  await waitForDialog(page, (d) => d && d.state === 'outcome');
  assert.equal((await focused(page)).testid, 'outcome-reached');
  await page.keyboard.press('2');
  assert.equal((await focused(page)).testid, 'save');
  await page.keyboard.press('Enter');
  await waitForDialog(page, (d) => d && d.saved);
  await page.waitForFunction(() => !document.querySelector('precall-dialog'), null, { timeout: 5000 });
  assert.equal(await readDialog(page), null);
  assert.deepEqual(errors, []);
  await page.close();
});
