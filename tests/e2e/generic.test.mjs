// End to end, the generic profile: six differently built patient pages of MIS the extension
// has never seen (tests/fixtures/extract/generic/: tables, definition lists, a label/value grid,
// cards, an SPA's rendered view, a card embedded in an iframe), served from 127.0.0.1, and a
// live single-page MIS (tests/e2e/pages/generic-spa.html) for patient switches (churn.test.mjs
// measures the content script's CPU time on it).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, readOverlays, ROOT, setSettings, TEST_CLOCK, waitForOverlay } from './harness.mjs';

const CASES = path.join(ROOT, 'tests/fixtures/extract/generic');

let server;
let base;
let browser;

before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let body = null;
    const m = url.pathname.match(/^\/cases\/([a-z-]+)$/);
    try {
      if (m) body = readFileSync(path.join(CASES, m[1], 'page.html'));
      else if (url.pathname === '/scheduler') {
        body = '<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Расписание</title></head><body>'
          + '<h1>Расписание на 23.11.2026</h1><p>Выберите пациента слева; карта открывается справа.</p>'
          + '<iframe src="/cases/iframe-card-ru" style="width:900px;height:500px"></iframe></body></html>';
      } else if (url.pathname === '/client/9') {
        body = '<!doctype html><html lang="ru"><head><meta charset="utf-8"></head><body>'
          + '<div class="client" data-client="9"><b class="nm">Рыбакова Инна</b><span class="tel">+7 900 111-22-33</span></div>'
          + '<div class="visits-none">Записей нет</div></body></html>';
      } else if (url.pathname === '/spa') body = readFileSync(path.join(ROOT, 'tests/e2e/pages/generic-spa.html'));
    } catch { body = null; }
    if (!body) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await launchBrowser();
  await setSettings(browser.worker, { config: null, clock: TEST_CLOCK });
});

after(async () => {
  await browser?.close();
  server?.close();
});

const unreadOf = (o) => (o.groups.not_verified || []).map((i) => i.text).filter((t) => /не прочитано/.test(t)).join(' | ');

describe('generic profile on MIS pages it has never seen', () => {
  const pages = [
    ['tables-ru', 'Кузнецова Ольга Игоревна', /Уже записана: чт 26\.11 14:00/],
    ['dl-en', 'Emily Carter', /Уже записана: вт 01\.12 09:15/],
    ['grid-ru', 'Смирнов Павел Андреевич', /Уже записан: чт 03\.12 09:00/],
    ['cards-en', "Michael O'Brien", /Уже записан: пн 30\.11 16:45/],
    ['spa-ru', 'Орлова Дарья Сергеевна', /Уже записана: пт 27\.11 18:20/],
  ];
  for (const [name, who, booked] of pages) {
    test(`${name}: the name, the booking, and what it could not read`, async () => {
      const page = await browser.context.newPage();
      await page.goto(`${base}/cases/${name}`);
      const { overlay, all } = await waitForOverlay(page, (o) => o.verdict && o.who === who);
      assert.equal(all.length, 1);
      assert.equal(overlay.verdict, 'not_verified', 'sections it has no words for are not read: never clear');
      assert.match(overlay.text, booked);
      assert.match(unreadOf(overlay), /Планы лечения/);
      assert.doesNotMatch(unreadOf(overlay), /Записи|Пациент/);
      await page.close();
    });
  }

  test('iframe-embedded card: the overlay is drawn once, inside the card', async () => {
    const page = await browser.context.newPage();
    // When each frame fetches the core, against its own DOMContentLoaded and load (CDP).
    const cdp = await browser.context.newCDPSession(page);
    const seen = [];
    cdp.on('Network.requestWillBeSent', (e) => {
      if (e.request.url.endsWith('/page_bg.wasm')) seen.push({ frame: e.frameId, what: 'core', at: e.timestamp });
    });
    cdp.on('Page.lifecycleEvent', (e) => seen.push({ frame: e.frameId, what: e.name, at: e.timestamp }));
    await cdp.send('Network.enable');
    await cdp.send('Page.enable');
    await cdp.send('Page.setLifecycleEventsEnabled', { enabled: true });
    // Whether the engine page runs (the worker's note, which the content scripts read).
    const engineUp = await browser.worker.evaluate(async () => (await chrome.storage.session.get('engine:up'))['engine:up'] === true);
    await page.goto(`${base}/scheduler`);
    const { overlay, all } = await waitForOverlay(page, (o) => o.verdict && o.who === 'Белова Анна Викторовна');
    assert.equal(all.length, 1, 'one overlay for the page and its frame together');
    assert.match(overlay.text, /Уже записан: вт 24\.11 12:00/, "no sex on the card: the neutral form");
    assert.equal(await page.frames()[1].evaluate(() => document.querySelectorAll('precall-overlay').length), 1);
    assert.equal(await page.evaluate(() => document.querySelectorAll('precall-overlay').length), 0);
    // The core is fetched at document_start in the top document (after its load event when
    // the engine page runs: the first check goes ahead to it), and only after its load event
    // in a frame (frames are often widgets: their compiles must not crowd the MIS's load).
    const at = (frame, what) => seen.filter((e) => e.frame === frame && e.what === what).at(-1)?.at;
    const top = (await cdp.send('Page.getFrameTree')).frameTree;
    const child = top.childFrames[0].frame.id;
    if (engineUp) assert.ok(at(top.frame.id, 'core') >= at(top.frame.id, 'load'), `top, engine page up: the core after load ${JSON.stringify(seen)}`);
    else assert.ok(at(top.frame.id, 'core') < at(top.frame.id, 'DOMContentLoaded'), `top: the core before DOMContentLoaded ${JSON.stringify(seen)}`);
    assert.ok(at(child, 'core') >= at(child, 'load'), `frame: the core after its load event ${JSON.stringify(seen)}`);
    await cdp.detach();
    await page.close();
  });
});

describe("a clinic's own profile (settings.profiles)", () => {
  test('is tried before the built-in ones; a broken one is reported, not fatal', async () => {
    const own = {
      name: 'clinic-crm',
      urls: ['/client/*'],
      signature: ['.client[data-client]'],
      patient_key: [{ css: '.client', read: 'attr:data-client' }],
      sections: {
        patient: { root: '.client', fields: { id: { from: [{ read: 'attr:data-client' }] }, full_name: { from: ['.nm'] } } },
        contacts: { root: '.client', rows: '.tel', fields: { value: { from: [{ read: 'text' }], norm: 'phone', required: true }, kind: { const: 'phone' } } },
      },
    };
    const page = await browser.context.newPage();
    try {
      await page.goto(`${base}/client/9`);
      await page.waitForTimeout(500);
      assert.equal((await readOverlays(page)).length, 0, 'no built-in profile knows this page');
      await setSettings(browser.worker, { config: null, clock: TEST_CLOCK, profiles: [JSON.stringify(own), '{"name": "broken"']});
      const { overlay } = await waitForOverlay(page, (o) => o.verdict && o.who === 'Рыбакова Инна');
      assert.match(unreadOf(overlay), /Записи/, `its profile reads no appointments: ${JSON.stringify(overlay.groups.not_verified)}`);
      assert.match(overlay.text, /profiles\[1\]/, 'the broken profile is named under "not verified"');
    } finally {
      await setSettings(browser.worker, { config: null, clock: TEST_CLOCK });
      await page.close();
    }
  });
});

describe('a live single-page MIS (generic profile)', () => {
  test('switching patients by hash route re-checks, with one overlay', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${base}/spa#/patients/77`);
    await waitForOverlay(page, (o) => o.verdict && o.who === 'Орлова Дарья Сергеевна');
    await page.evaluate(() => { location.hash = '#/patients/78'; });
    const { overlay, all } = await waitForOverlay(page, (o) => o.verdict && o.who === 'Соколов Глеб Иванович');
    assert.equal(all.length, 1);
    assert.doesNotMatch(overlay.text, /Уже записан/, '"Записей нет": read, none');
    assert.doesNotMatch(unreadOf(overlay), /Записи/);
    await page.close();
  });
});
