// Teach mode end to end (issue 7), on a card of an MIS the extension has never seen
// (tests/e2e/pages/teach-card.html, generic profile): the name has no label and the
// appointments sit under a heading it has no words for. The user teaches both by clicking
// (the clicks never reach the page), saves, and the overlay reads them at once and after a
// reload; the profiles page lists the taught profile, exports it, deletes it, imports it back,
// and shows the coverage the tab reported.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { clickTestId, launchBrowser, MIS_CSP, ROOT, setSettings, TEST_CLOCK, waitForOverlay } from './harness.mjs';

let server;
let strict;
let base;
let strictBase;
let browser;
let page;

/** The card at /card/N; `csp`: with the strict policy the demo MIS sends (no WebAssembly in content scripts). */
async function serve(csp) {
  const srv = createServer((req, res) => {
    const headers = csp ? { 'Content-Security-Policy': MIS_CSP } : {};
    if (req.url === '/card/teach-card.js') {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' }).end(readFileSync(path.join(ROOT, 'tests/e2e/pages/teach-card.js')));
    } else if (req.url.startsWith('/card/')) {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8' }).end(readFileSync(path.join(ROOT, 'tests/e2e/pages/teach-card.html')));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return [srv, `http://127.0.0.1:${srv.address().port}`];
}

before(async () => {
  [server, base] = await serve(false);
  [strict, strictBase] = await serve(true);
  browser = await launchBrowser();
  await setSettings(browser.worker, { config: null, clock: TEST_CLOCK });
  page = await browser.context.newPage();
});

after(async () => {
  await browser?.close();
  server?.close();
  strict?.close();
});

function attr(node, name) {
  const a = node.attributes || [];
  for (let i = 0; i < a.length; i += 2) if (a[i] === name) return a[i + 1];
  return undefined;
}
const textOf = (n) => (n.nodeType === 3 ? n.nodeValue : (n.children || []).map(textOf).join(''));
function* walk(n) {
  yield n;
  for (const c of n.children || []) yield* walk(c);
  for (const s of n.shadowRoots || []) if (s.shadowRootType !== 'user-agent') yield* walk(s);
}

/** The teach box in its closed shadow root (CDP pierces it): state, mode, text, testids. */
async function readTeach(p) {
  const cdp = await p.context().newCDPSession(p);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const host = [...walk(root)].find((n) => n.nodeName === 'PRECALL-TEACH');
    if (!host) return null;
    const shadow = (host.shadowRoots || [])[0];
    const out = { mode: shadow && shadow.shadowRootType, text: shadow ? textOf(shadow) : '', ids: {} };
    for (const n of walk(shadow)) {
      if (n.nodeType !== 1) continue;
      if (attr(n, 'data-state')) out.state = attr(n, 'data-state');
      if (attr(n, 'data-testid')) out.ids[attr(n, 'data-testid')] = textOf(n);
    }
    return out;
  } finally {
    await cdp.detach();
  }
}

async function waitTeach(p, accept) {
  const deadline = Date.now() + 10000;
  for (let last; ;) {
    last = await readTeach(p);
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`teach box: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const unread = (o) => (o.groups.not_verified || []).map((i) => i.text).join(' | ');
const pageClicks = () => page.evaluate(() => ({ ...document.body.dataset }));

async function center(selector) {
  const box = await page.locator(selector).first().boundingBox();
  return [box.x + box.width / 2, box.y + box.height / 2];
}

describe('teach mode on an unknown MIS card', () => {
  test('the generic profile misses the name and the appointments', async () => {
    await page.goto(`${base}/card/12`);
    const { overlay, all } = await waitForOverlay(page, (o) => o.verdict);
    assert.equal(all.length, 1);
    assert.notEqual(overlay.who, 'Лебедева Мария Петровна');
    assert.match(unread(overlay), /Записи/);
  });

  test('Escape cancels picking; the keyboard command opens it too; nothing reaches the page', async () => {
    await page.bringToFront();
    assert.equal(await browser.worker.evaluate(() => precallCommand('teach-mode')), true);
    const box = await waitTeach(page, (t) => t && t.state === 'targets');
    assert.equal(box.mode, 'closed');
    assert.ok(box.ids['teach-target-patient.full_name'] && box.ids['teach-target-appointments'], JSON.stringify(box.ids));
    assert.ok(!box.ids['teach-target-patient.birth_date'], 'the birth date was read: not offered');
    await clickTestId(page, 'teach-target-appointments', 'PRECALL-TEACH');
    await waitTeach(page, (t) => t && t.state === 'picking');
    await page.keyboard.press('Escape');
    await waitTeach(page, (t) => t === null);
    assert.deepEqual(await pageClicks(), {}, 'no click or press reached the MIS');
  });

  test('teach the name by clicking it: proposed by its data attribute, previewed, saved, read', async () => {
    await clickTestId(page, 'teach-open', 'PRECALL-OVERLAY');
    await waitTeach(page, (t) => t && t.state === 'targets');
    await clickTestId(page, 'teach-target-patient.full_name', 'PRECALL-TEACH');
    await waitTeach(page, (t) => t && t.state === 'picking');
    const [x, y] = await center('[data-field=fio]');
    await page.mouse.move(x, y);
    await page.mouse.click(x, y);
    const preview = await waitTeach(page, (t) => t && t.state === 'preview');
    assert.match(preview.ids['teach-place'], /span\[data-field="fio"\]/);
    assert.match(preview.ids['teach-value'], /Лебедева Мария Петровна/);
    assert.deepEqual(await pageClicks(), {}, 'the teach click was captured, not passed to the MIS');
    await clickTestId(page, 'teach-save', 'PRECALL-TEACH');
    const saved = await waitTeach(page, (t) => t && t.state === 'saved');
    assert.match(saved.ids['teach-result'], /taught-127-0-0-1-/);
    await waitForOverlay(page, (o) => o.who === 'Лебедева Мария Петровна');
    await clickTestId(page, 'teach-cancel', 'PRECALL-TEACH');
  });

  test('teach the appointments list from the keyboard (a cell, then up to its table)', async () => {
    await clickTestId(page, 'teach-open', 'PRECALL-OVERLAY');
    const box = await waitTeach(page, (t) => t && t.state === 'targets');
    assert.ok(!box.ids['teach-target-patient.full_name'], 'the name is read now: not offered');
    await clickTestId(page, 'teach-target-appointments', 'PRECALL-TEACH');
    await waitTeach(page, (t) => t && t.state === 'picking');
    const [x, y] = await center('table.sched tbody td');
    await page.mouse.move(x, y);
    for (const key of ['ArrowUp', 'ArrowUp', 'ArrowUp', 'Enter']) await page.keyboard.press(key); // td, tr, tbody, table
    const preview = await waitTeach(page, (t) => t && t.state === 'preview');
    assert.match(preview.ids['teach-place'], /table\.sched/);
    assert.match(preview.ids['teach-value'], /1/);
    await clickTestId(page, 'teach-save', 'PRECALL-TEACH');
    await waitTeach(page, (t) => t && t.state === 'saved');
    const { overlay } = await waitForOverlay(page, (o) => /Уже записан: чт 26\.11 14:00/.test(o.text));
    assert.equal(overlay.who, 'Лебедева Мария Петровна', 'both taught places are in the one profile');
    assert.doesNotMatch(unread(overlay), /Записи/);
    assert.deepEqual(await pageClicks(), {});
    const stored = await browser.worker.evaluate(async () => (await chrome.storage.local.get('settings')).settings.profiles);
    assert.equal(stored.length, 1);
    assert.deepEqual(stored[0].sections.appointments.root, ['table.sched']);
  });

  test('the saved profile survives a reload', async () => {
    await page.reload();
    const { overlay, all } = await waitForOverlay(page, (o) => o.verdict && o.who === 'Лебедева Мария Петровна');
    assert.equal(all.length, 1);
    assert.match(overlay.text, /Уже записан: чт 26\.11 14:00/);
  });
});

describe('the profiles page', () => {
  test('lists the profiles, shows the coverage, and round-trips export, delete, import', async () => {
    const name = `taught-127-0-0-1-${new URL(base).port}`;
    const opts = await browser.context.newPage();
    opts.on('dialog', (d) => d.accept());
    await opts.goto(`chrome-extension://${browser.extensionId}/extension/profiles.html`);
    await opts.waitForSelector('body[data-ready=true]');
    for (const builtin of ['demo-mis', 'gnuhealth', 'generic']) {
      assert.equal(await opts.getAttribute(`#builtin [data-testid=profile-${builtin}]`, 'data-kind'), 'builtin');
    }
    assert.equal(await opts.getAttribute(`#custom [data-testid=profile-${name}]`, 'data-kind'), 'custom');
    // The coverage the MIS tab reported: its profile, the appointments read with one row.
    assert.match(await opts.textContent('[data-testid=coverage-head]'), new RegExp(`Профиль ${name} на http://127\\.0\\.0\\.1:`));
    assert.equal(await opts.getAttribute('[data-section=appointments]', 'data-found'), 'true');
    assert.match(await opts.textContent('[data-section=appointments]'), /Записи: прочитано, строк: 1/);
    assert.match(await opts.textContent('[data-section=unconfigured]'), /Планы лечения.*: профиль не читает/);

    const [download] = await Promise.all([opts.waitForEvent('download'), opts.click(`[data-testid=export-${name}]`)]);
    const file = await download.path();
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(exported.name, name);
    assert.deepEqual(exported.sections.appointments.root, ['table.sched']);

    await opts.click(`[data-testid=delete-${name}]`);
    await opts.waitForSelector(`#custom [data-testid=profile-${name}]`, { state: 'detached' });
    await waitForOverlay(page, (o) => o.verdict && o.who !== 'Лебедева Мария Петровна');

    await opts.setInputFiles('#import-file', { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"name": "x", "sections": {"patients": {"fields": {}}}}') });
    await opts.waitForFunction(() => /не загружен/.test(document.querySelector('[data-testid=result]').textContent));
    assert.match(await opts.textContent('[data-testid=result]'), /patients/);

    await opts.setInputFiles('#import-file', file);
    await opts.waitForSelector(`#custom [data-testid=profile-${name}]`);
    assert.match(await opts.textContent('[data-testid=result]'), new RegExp(`Загружен профиль ${name}`));
    const { overlay } = await waitForOverlay(page, (o) => o.who === 'Лебедева Мария Петровна' && /Уже записан/.test(o.text));
    assert.ok(overlay);
    await opts.close();
  });
});

describe('teach mode on a strict-CSP MIS (the core reads a copy of the page in the engine page)', () => {
  test('the name and the appointments are taught, previewed and read through the engine path', async () => {
    const p = await browser.context.newPage();
    await p.goto(`${strictBase}/card/31`);
    await waitForOverlay(p, (o) => o.verdict);
    assert.equal(await browser.worker.evaluate(async () => (await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] })).length), 1, 'the engine page reads this one');
    await clickTestId(p, 'teach-open', 'PRECALL-OVERLAY');
    await waitTeach(p, (t) => t && t.state === 'targets');
    await clickTestId(p, 'teach-target-patient.full_name', 'PRECALL-TEACH');
    await waitTeach(p, (t) => t && t.state === 'picking');
    const box = await p.locator('[data-field=fio]').boundingBox();
    await p.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const preview = await waitTeach(p, (t) => t && t.state === 'preview');
    assert.match(preview.ids['teach-place'], /span\[data-field="fio"\]/);
    assert.match(preview.ids['teach-value'], /Лебедева Мария Петровна/);
    assert.deepEqual(await p.evaluate(() => ({ ...document.body.dataset })), {}, 'the click did not reach the MIS');
    await clickTestId(p, 'teach-save', 'PRECALL-TEACH');
    await waitForOverlay(p, (o) => o.who === 'Лебедева Мария Петровна');
    // A list is taught by a click on one of its cells: the click means its table.
    await clickTestId(p, 'teach-open', 'PRECALL-OVERLAY');
    await waitTeach(p, (t) => t && t.state === 'targets');
    await clickTestId(p, 'teach-target-appointments', 'PRECALL-TEACH');
    await waitTeach(p, (t) => t && t.state === 'picking');
    const cell = await p.locator('table.sched tbody td').nth(1).boundingBox();
    await p.mouse.click(cell.x + cell.width / 2, cell.y + cell.height / 2);
    const list = await waitTeach(p, (t) => t && t.state === 'preview');
    assert.match(list.ids['teach-place'], /table\.sched/);
    await clickTestId(p, 'teach-save', 'PRECALL-TEACH');
    await waitForOverlay(p, (o) => o.who === 'Лебедева Мария Петровна' && /Уже записан: чт 26\.11 14:00/.test(o.text));
    assert.deepEqual(await p.evaluate(() => ({ ...document.body.dataset })), {}, 'no click reached the MIS');
    const names = await browser.worker.evaluate(async () => (await chrome.storage.local.get('settings')).settings.profiles.map((x) => x.name));
    assert.ok(names.includes(`taught-127-0-0-1-${new URL(strictBase).port}`) && names.length === 2, JSON.stringify(names));
    await p.close();
  });
});
