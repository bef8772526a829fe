// End to end, the dial guard and the call-outcome log (issue 6): real Chromium, the unpacked
// extension, the demo MIS (strict CSP: the engine path; one test without CSP: the content
// script path). Clicks are real mouse clicks and key presses (trusted events); navigations to
// tel: and the like are seen through CDP (Page.frameRequestedNavigation), since the browser
// hands them to the OS.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  clickTestId, demoPatients, launchBrowser, logKey, readDialog, ROOT, setSettings, startDemoMis, storedLog,
  TEST_CLOCK, waitForDialog, waitForOverlay, watchNavigations,
} from './harness.mjs';

let mis;
let open;
let browser;
let patients;

const byId = (id) => patients.find((p) => p.patient.id === id);
const digits = (s) => s.replace(/\D/g, '').replace(/^8/, '7');

before(async () => {
  patients = await demoPatients();
  mis = await startDemoMis();
  open = await startDemoMis({ csp: false });
  browser = await launchBrowser({ dialOrigins: [mis.base, open.base] });
  await setSettings(browser.worker, { config: { caller: { name: 'Ковалёва Елена' } }, clock: TEST_CLOCK });
});

after(async () => {
  await browser?.close();
  mis?.stop();
  open?.stop();
});

async function card(id, base = mis.base) {
  const page = await browser.context.newPage();
  const navigations = await watchNavigations(page);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/patients/${id}`);
  const { overlay } = await waitForOverlay(page);
  return { page, navigations, errors, overlay };
}

const contextLine = (overlay, source) => (overlay.groups.context || []).find((i) => i.source === source);

describe('the dial guard', () => {
  test('a tel: click on a blocked patient shows the dialog, and nothing dials', async () => {
    const p = patients.find((x) => x.scenario.expect.rules.includes('do_not_contact'));
    const { page, navigations } = await card(p.patient.id);
    // The page's own listener sees whether the default action was prevented.
    await page.evaluate(() => {
      window.__clicks = [];
      document.addEventListener('click', (e) => window.__clicks.push(e.defaultPrevented), true);
    });
    await page.click('a.btn-call');
    const dialog = await waitForDialog(page);
    assert.equal(dialog.state, 'dial');
    assert.equal(dialog.blocked, true);
    assert.equal(dialog.shadowMode, 'closed');
    assert.ok((dialog.groups.do_not || []).some((i) => i.source === 'do_not_contact'), JSON.stringify(dialog.groups));
    assert.ok(dialog.testids['dial-anyway'].disabled, '"Dial anyway" needs a reason first');
    assert.deepEqual(await page.evaluate(() => window.__clicks), [], 'the page never saw the click');
    await page.keyboard.press('Escape');
    await page.waitForTimeout(300);
    assert.equal(await readDialog(page), null, 'Escape closes it');
    assert.deepEqual(navigations.filter((u) => !u.startsWith('http://127.0.0.1')), [], 'no navigation to tel:');
    await page.close();
  });

  test('a permitted call dials with one key press, and the outcome shows on the next visit', async () => {
    const p = byId('1001');
    assert.equal(p.scenario.expect.verdict, 'call');
    const { page, navigations, overlay } = await card('1001');
    assert.equal(contextLine(overlay, 'attempts'), undefined, 'no unanswered attempts yet');
    const phone = p.contacts.find((c) => c.kind === 'phone').value;
    await page.click('a.btn-call');
    const dialog = await waitForDialog(page);
    assert.equal(dialog.blocked, false);
    assert.match(dialog.title, /Звонок · \+7 916 123-45-67/);
    assert.ok((dialog.groups.reasons || []).length, 'the reason to call is shown');
    const started = Date.now();
    await page.keyboard.press('Enter'); // one key: dials
    await waitForDialog(page, (d) => d && d.state === 'outcome');
    assert.deepEqual(navigations.filter((u) => u.startsWith('tel:')), [`tel:+${digits(phone)}`]);
    // The outcome form: "2" (no answer), Enter (save); well under five seconds.
    await page.keyboard.press('2');
    await page.keyboard.press('Enter');
    await waitForDialog(page, (d) => d && d.saved);
    assert.ok(Date.now() - started < 5000, `outcome recorded in ${Date.now() - started} ms`);
    await page.close();
    const next = await card('1001');
    assert.match(contextLine(next.overlay, 'attempts').text, /Без ответа с последнего разговора: 1/);
    assert.equal(next.overlay.verdict, 'wait', 'the cooldown after an unanswered call');
    assert.ok((next.overlay.groups.before || []).some((i) => i.source === 'cooldown' && /журнал расширения/.test(i.text) === false));
    const records = await storedLog(browser.worker);
    const record = records[logKey(mis.base, '1001')];
    assert.equal(record.schema, 'precall.calllog');
    assert.equal(record.version, 1);
    assert.equal(record.entries.length, 1);
    const [e] = record.entries;
    assert.equal(e.outcome, 'no_answer');
    assert.equal(e.channel, 'call');
    assert.equal(e.caller, 'Ковалёва Елена');
    assert.equal(e.at, '2026-11-23T10:00:00+03:00');
    assert.equal(e.purpose, 'invite');
    assert.equal(JSON.stringify(record).includes(digits(phone)), false, 'the number itself is not stored');
    await next.page.close();
  });

  test('"Dial anyway" on a block needs a reason, dials, and the override is logged', async () => {
    const p = patients.find((x) => x.scenario.expect.rules.includes('attempts_exceeded'));
    const { page, navigations } = await card(p.patient.id);
    await page.click('a.btn-call');
    let dialog = await waitForDialog(page);
    assert.equal(dialog.blocked, true);
    assert.ok((dialog.groups.do_not || []).some((i) => i.source === 'attempts_exceeded'));
    await clickTestId(page, 'dial-anyway'); // disabled: nothing happens
    await page.waitForTimeout(200);
    assert.deepEqual(navigations.filter((u) => u.startsWith('tel:')), []);
    await clickTestId(page, 'override-3'); // "another reason", typed
    await page.keyboard.type('Пациентка просила перезвонить сегодня');
    dialog = await readDialog(page);
    assert.equal(dialog.testids['dial-anyway'].disabled, false);
    await page.keyboard.press('Enter');
    await waitForDialog(page, (d) => d && d.state === 'outcome');
    assert.equal(navigations.filter((u) => u.startsWith('tel:')).length, 1, 'dialled');
    await page.keyboard.press('Escape'); // no outcome now: the dial and its override are logged anyway
    const record = (await storedLog(browser.worker))[logKey(mis.base, p.patient.id)];
    assert.equal(record.entries.length, 1);
    const e = record.entries[0];
    assert.equal(e.outcome, null);
    assert.equal(e.override.reason, 'Пациентка просила перезвонить сегодня');
    assert.equal(e.override.verdict, 'do_not_contact');
    assert.ok(e.override.rules.includes('attempts_exceeded'));
    await page.close();
  });

  test('"asked not to be contacted" blocks at once; "call back at" becomes the next window', async () => {
    let { page } = await card('1011');
    await page.click('a.btn-call');
    await waitForDialog(page);
    await page.keyboard.press('Enter');
    await waitForDialog(page, (d) => d && d.state === 'outcome');
    await page.keyboard.press('7');
    await page.keyboard.press('Enter');
    const blocked = await waitForOverlay(page, (o) => o.verdict === 'do_not_contact');
    assert.ok((blocked.overlay.groups.do_not || []).some((i) => i.source === 'do_not_contact'));
    await page.close();
    // From the panel, without a dial: "call back at" (the form offers tomorrow, same time, in
    // the clinic's zone; typing a date is locale-dependent, so the offer is taken as it is).
    ({ page } = await card('1012'));
    await clickTestId(page, 'outcome-open', 'PRECALL-OVERLAY');
    await waitForDialog(page, (d) => d && d.state === 'outcome');
    await page.keyboard.press('6');
    await page.keyboard.press('Enter');
    const waiting = await waitForOverlay(page, (o) => o.verdict === 'wait');
    assert.match(waiting.overlay.subtitle, /24\.11 10:00/);
    assert.ok((waiting.overlay.groups.before || []).some((i) => i.source === 'callback_requested'));
    await page.close();
  });

  test('a WhatsApp link opens in a new tab after the dialog; the MIS page stays', async () => {
    await browser.context.route('https://wa.me/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: 'wa stub' }));
    const { page, navigations } = await card('1013');
    await page.click('a.messenger--whatsapp');
    const dialog = await waitForDialog(page);
    assert.match(dialog.title, /^WhatsApp · \+7 903 226-14-58/);
    assert.equal(dialog.blocked, false);
    const popup = page.waitForEvent('popup');
    await page.keyboard.press('Enter');
    assert.match((await popup).url(), /^https:\/\/wa\.me\/79032261458/);
    assert.match(page.url(), /\/patients\/1013$/, 'the MIS page did not navigate away');
    assert.deepEqual(navigations.filter((u) => u.includes('wa.me')), []);
    await page.keyboard.press('Escape');
    await page.close();
  });

  test('a message channel the patient did not choose is blocked', async () => {
    const p = patients.find((x) => x.scenario.expect.rules.includes('channel_preference') && x.scenario.expect.verdict === 'message_only');
    const { page } = await card(p.patient.id);
    await page.click('a.btn-call');
    const call = await waitForDialog(page);
    assert.equal(call.blocked, true, 'a call to a messages-only patient is blocked');
    assert.ok((call.groups.do_not || []).some((i) => i.source === 'dial_channel'));
    await page.keyboard.press('Escape');
    await page.close();
  });

  test('the profile\'s click-to-call button is guarded, and the MIS\'s own handler dials', async () => {
    const { page } = await card('1014');
    // A softphone widget as telephony integrations add it (the page's own script).
    await page.evaluate(() => {
      const b = document.createElement('button');
      b.className = 'btn-softphone';
      b.dataset.phone = '+7 (999) 863-45-21';
      b.textContent = 'Позвонить через АТС';
      b.addEventListener('click', () => { window.__softphone = b.dataset.phone; });
      document.querySelector('#section-contacts').append(b);
    });
    await page.click('button.btn-softphone');
    const dialog = await waitForDialog(page);
    assert.match(dialog.title, /\+7 999 863-45-21/);
    assert.equal(await page.evaluate(() => window.__softphone || null), null, 'not dialled before the dialog');
    await page.keyboard.press('Enter');
    await waitForDialog(page, (d) => d && d.state === 'outcome');
    assert.equal(await page.evaluate(() => window.__softphone), '+7 (999) 863-45-21');
    await page.keyboard.press('Escape');
    await page.close();
  });

  test('the content-script path (no page CSP) guards the same way', async () => {
    const p = patients.find((x) => x.scenario.expect.rules.includes('do_not_contact'));
    const { page, navigations } = await card(p.patient.id, open.base);
    await page.click('a.btn-call');
    const dialog = await waitForDialog(page);
    assert.equal(dialog.blocked, true);
    await clickTestId(page, 'cancel');
    await page.waitForTimeout(200);
    assert.equal(await readDialog(page), null);
    assert.deepEqual(navigations.filter((u) => u.startsWith('tel:')), []);
    await page.close();
  });

  test('plain-text phone numbers become guarded links when the profile setting is on; dates, sums and ids do not', async () => {
    await setSettings(browser.worker, { config: { caller: { name: 'Ковалёва Елена' } }, clock: TEST_CLOCK, dial: { phone_text: { 'demo-mis': true } } });
    try {
      const { page } = await card('1016');
      await page.waitForSelector('a.precall-phone');
      const links = await page.$$eval('a.precall-phone', (as) => as.map((a) => [a.textContent, a.getAttribute('href')]));
      const phones = byId('1016').contacts.filter((c) => c.kind === 'phone').map((c) => c.value);
      assert.deepEqual(links.map(([t]) => t).sort(), phones.sort());
      for (const [text, href] of links) assert.equal(href, `tel:+${digits(text)}`);
      // Nothing else in the card became a link: dates, prices, the card number.
      const text = await page.$eval('#patient-card', (c) => c.textContent);
      assert.match(text, /\d\d\.\d\d\.\d{4}/);
      assert.match(text, /₽/);
      await page.click('a.precall-phone');
      const dialog = await waitForDialog(page);
      assert.equal(dialog.state, 'dial');
      await page.keyboard.press('Escape');
      await page.close();
      // Off by default.
      await setSettings(browser.worker, { config: { caller: { name: 'Ковалёва Елена' } }, clock: TEST_CLOCK });
      const off = await card('1016');
      await off.page.waitForTimeout(300);
      assert.equal(await off.page.$$eval('a.precall-phone', (as) => as.length), 0);
      await off.page.close();
    } finally {
      await setSettings(browser.worker, { config: { caller: { name: 'Ковалёва Елена' } }, clock: TEST_CLOCK });
    }
  });

  test('every dial and messenger scheme is intercepted, with its channel and number; other links are not', async () => {
    const { page, navigations } = await card('1015');
    const links = [
      ['tel:+79990123456', /^Звонок · \+7 999 012-34-56/],
      ['callto:+79990123456', /^Звонок · \+7 999 012-34-56/],
      ['sip:+79990123456@pbx.clinic.ru', /^Звонок · \+7 999 012-34-56/],
      ['sms:+79990123456?body=hello', /^SMS · \+7 999 012-34-56/],
      ['https://wa.me/79990123456', /^WhatsApp · \+7 999 012-34-56/],
      ['https://api.whatsapp.com/send?phone=79990123456', /^WhatsApp · \+7 999 012-34-56/],
      ['whatsapp://send?phone=79990123456', /^WhatsApp · \+7 999 012-34-56/],
      ['https://t.me/+79990123456', /^Telegram · \+7 999 012-34-56/],
      ['tg://resolve?phone=79990123456', /^Telegram · \+7 999 012-34-56/],
      ['https://t.me/some_username', /^Telegram$/],
      ['viber://chat?number=%2B79990123456', /^Viber · \+7 999 012-34-56/],
    ];
    for (const [href, title] of links) {
      await page.evaluate((h) => {
        document.querySelector('#precall-test-link')?.remove();
        const a = document.createElement('a');
        a.id = 'precall-test-link';
        a.href = h;
        a.textContent = 'link';
        document.querySelector('#section-contacts').append(a);
      }, href);
      await page.click('#precall-test-link');
      const dialog = await waitForDialog(page);
      assert.match(dialog.title, title, href);
      await page.keyboard.press('Escape');
      await waitForDialog(page, (d) => d === null);
    }
    assert.deepEqual(navigations.filter((u) => !u.startsWith('http://127.0.0.1')), [], 'nothing dialled');
    // An ordinary link is the MIS's business.
    await page.click('a[href="/patients"]');
    await page.waitForURL('**/patients');
    assert.equal(await readDialog(page), null);
    await page.close();
  });

  test('the overlay\'s own message links go through the guard too', async () => {
    const p = patients.find((x) => x.scenario.expect.verdict === 'message_only'
      && (x.contacts || []).some((c) => (c.messengers || []).includes('telegram')) && x.scenario.expect.rules.includes('channel_preference'));
    const { page } = await card(p.patient.id);
    await clickTestId(page, 'draft-open-telegram', 'PRECALL-OVERLAY');
    const dialog = await waitForDialog(page);
    assert.match(dialog.title, /^Telegram/);
    assert.equal(dialog.blocked, false, 'the channel the patient chose');
    await page.keyboard.press('Escape');
    await page.close();
  });

  test('the keyboard shortcut opens the panel for the current patient', async () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));
    assert.ok(manifest.commands['open-panel'].suggested_key.default, 'a suggested shortcut');
    const { page } = await card('1015');
    await page.bringToFront();
    await page.evaluate(() => document.body.focus());
    // Headless Chromium has no keyboard shortcuts: call the worker's command handler itself.
    assert.equal(await browser.worker.evaluate(() => globalThis.precallCommand('open-panel')), true);
    await page.waitForFunction(() => document.activeElement && document.activeElement.localName === 'precall-overlay');
    await page.close();
  });
});
