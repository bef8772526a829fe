// End to end against a real MIS: a live local GNU Health 5.0 (Tryton 7.0, SAO 7.0 web client)
// with its own demo data (tests/gnuhealth/: Russian and English names, phones, past, future,
// cancelled and no-show appointments). The setup is cached in target/gnuhealth (about two
// minutes once, a second afterwards); trytond runs on a copy of the template database on a
// free port and is stopped at the end. The only allowed skip: no Python venv on this machine.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, readOverlays, setSettings, TEST_CLOCK, waitForOverlay } from './harness.mjs';
import {
  demoData, GH_DB, openPatient, saoLogin, setupGnuHealth, startGnuHealth, waitForPatientRecord,
} from './gnuhealth.mjs';

const setup = setupGnuHealth();
if (!setup.ok) console.log(`# SKIPPED: the GNU Health end-to-end tests need a Python venv: ${setup.skip}`);
else console.log(`# GNU Health setup: ${setup.seconds.toFixed(1)} s`);

const NOT_ON_GNUHEALTH = ['service_card', 'visits', 'refusals', 'plans', 'recalls', 'relatives', 'communications', 'feedback'];

describe('GNU Health (live local instance, SAO patient form)', { skip: setup.ok ? false : setup.skip }, () => {
  let gh;
  let browser;
  let page;
  let demo;
  const byFamily = (family) => demo.patients.find((p) => p.family === family);

  before(async () => {
    demo = demoData();
    gh = await startGnuHealth();
    browser = await launchBrowser();
    await setSettings(browser.worker, { config: null, clock: TEST_CLOCK });
    page = await browser.context.newPage();
    await saoLogin(page, gh.base);
  });

  after(async () => {
    await browser?.close();
    gh?.stop();
  });

  // "Не проверено" lists each unread section as "<Section>: не прочитано на странице".
  const unreadOf = (o) => (o.groups.not_verified || []).map((i) => i.text).filter((t) => /не прочитано/.test(t)).join(' | ');

  async function overlayFor(p) {
    await openPatient(page, gh.base, p.id);
    const { overlay, all } = await waitForOverlay(page, (o) => o.verdict && o.who && o.who.includes(p.family), { timeout: 20000 });
    assert.equal(all.length, 1, 'exactly one overlay');
    return overlay;
  }

  test('a patient with a future appointment: already booked, read from the appointments list', async () => {
    const p = byFamily('Смирнова');
    const o = await overlayFor(p);
    // The sections GNU Health's patient form does not show are honestly not read, so the
    // verdict is "not verified" (unknown is never clear), with the booking shown.
    assert.equal(o.verdict, 'not_verified');
    assert.match(o.text, /Уже записана: чт 26\.11 14:00/);
    assert.match(o.text, /Петрова/);
    assert.match(o.who, /Смирнова/);
    const unread = unreadOf(o);
    for (const s of ['Сервисная карта', 'Визиты', 'Журнал коммуникаций']) assert.match(unread, new RegExp(s), unread);
    assert.doesNotMatch(unread, /Записи|Контакты|Пациент/, 'appointments, phones and the patient were read');
  });

  test('English name, a no-show yesterday and no future appointment', async () => {
    const p = byFamily('Zenon');
    const o = await overlayFor(p);
    assert.equal(o.verdict, 'not_verified');
    assert.doesNotMatch(o.text, /Уже записан/);
    assert.doesNotMatch(unreadOf(o), /Записи|Контакты/, 'the no-show and the past visit were read: nothing upcoming');
  });

  test('a cancelled and a future appointment; a patient with none at all', async () => {
    const ivanov = await overlayFor(byFamily('Иванов'));
    assert.match(ivanov.text, /Уже записан: пн 07\.12 12:00/);
    const clark = await overlayFor(byFamily('Clark'));
    assert.equal(clark.verdict, 'not_verified');
    assert.doesNotMatch(clark.text, /Уже записан/);
    assert.doesNotMatch(unreadOf(clark), /Записи/, 'appointments read: none');
  });

  test('switching patients inside SAO (hash route) re-checks with one overlay', async () => {
    const a = byFamily('Смирнова');
    const b = byFamily('Zenon');
    await openPatient(page, gh.base, a.id);
    await waitForOverlay(page, (o) => o.verdict && o.who && o.who.includes(a.family), { timeout: 20000 });
    // SAO's own navigation: change the fragment in place (no page load).
    await page.evaluate((hash) => { window.location.hash = hash; }, `${GH_DB}/model/gnuhealth.patient/${b.id}`);
    await waitForPatientRecord(page, b.puid);
    const { all } = await waitForOverlay(page, (o) => o.verdict && o.who && o.who.includes(b.family), { timeout: 20000 });
    assert.equal(all.length, 1);
    const again = await readOverlays(page);
    assert.equal(again.length, 1);
  });
});
