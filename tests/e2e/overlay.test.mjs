// End to end: real Chromium, the real unpacked extension, the real wasm, the demo MIS.
// The clock is fixed through the extension's demo-clock setting, and the demo data is
// resolved against the same day, so every expectation is deterministic.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  demoPatients, launchBrowser, readOverlays, setSettings, sources, startDemoMis, TEST_CLOCK, waitForOverlay,
} from './harness.mjs';

const SECTIONS = ['patient', 'contacts', 'service_card', 'appointments', 'visits', 'refusals', 'plans',
  'recalls', 'relatives', 'communications', 'feedback'];
const SECTION_NAMES_RU = {
  patient: 'Пациент', contacts: 'Контакты', service_card: 'Сервисная карта', appointments: 'Записи',
  visits: 'Визиты', refusals: 'Отказы', plans: 'Планы лечения', recalls: 'Напоминания врача',
  relatives: 'Родственники', communications: 'Журнал коммуникаций', feedback: 'Отзывы',
};

let mis;
let browser;
let patients;

const byRule = (rule) => patients.find((p) => p.scenario.expect.rules.includes(rule));
const ddmm = (iso) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}`;

before(async () => {
  patients = await demoPatients();
  mis = await startDemoMis();
  browser = await launchBrowser();
  await setSettings(browser.worker, { config: null, clock: TEST_CLOCK });
});

after(async () => {
  await browser?.close();
  mis?.stop();
});

async function open(path) {
  const page = await browser.context.newPage();
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  const response = await page.goto(mis.base + path);
  return { page, dialogs, response };
}

describe('demo scenarios', () => {
  test('every demo patient gets the verdict, rules and reasons its scenario expects', async () => {
    const failures = [];
    for (const p of patients) {
      const { page } = await open(`/patients/${encodeURIComponent(p.patient.id)}`);
      const { overlay, all } = await waitForOverlay(page);
      const expect = p.scenario.expect;
      const shownRules = [...sources(overlay, 'do_not'), ...sources(overlay, 'before')];
      const shownReasons = sources(overlay, 'reasons');
      const problems = [];
      if (all.length !== 1) problems.push(`${all.length} overlays`);
      if (overlay.verdict !== expect.verdict) problems.push(`verdict ${overlay.verdict}, expected ${expect.verdict}`);
      for (const r of expect.rules) if (!shownRules.includes(r)) problems.push(`rule ${r} not shown`);
      for (const r of expect.reasons) if (!shownReasons.includes(r)) problems.push(`reason ${r} not shown`);
      if (problems.length) failures.push(`${p.patient.id} (${p.scenario.title_en}): ${problems.join('; ')}`);
      await page.close();
    }
    assert.deepEqual(failures, []);
  });

  test('already booked: date, time and doctor are on the overlay', async () => {
    const p = byRule('already_booked');
    const appt = p.appointments.find((a) => a.status === 'booked' || a.status === 'confirmed');
    const { page } = await open(`/patients/${p.patient.id}`);
    const { overlay } = await waitForOverlay(page);
    const line = [...overlay.groups.do_not || [], ...overlay.groups.before || []]
      .find((i) => i.source === 'already_booked');
    assert.ok(line, `no already_booked line: ${overlay.text}`);
    assert.match(line.text, new RegExp(ddmm(appt.start)));
    assert.match(line.text, new RegExp(appt.start.slice(11, 16)));
    assert.match(line.text, new RegExp(appt.doctor.split(/\s+/)[0]));
    await page.close();
  });

  test('refused a service: which, and why, are on the overlay', async () => {
    const p = byRule('refused_service');
    const refusal = p.refusals[0];
    const { page } = await open(`/patients/${p.patient.id}`);
    const { overlay } = await waitForOverlay(page);
    const lines = [...(overlay.groups.do_not || []), ...(overlay.groups.before || []),
      ...(overlay.groups.do_not_offer || [])].map((i) => i.text).join('\n');
    assert.ok(lines.toLowerCase().includes(refusal.service.toLowerCase().slice(0, 8)), lines);
    await page.close();
  });

  test('the contact window from the service card reads "WhatsApp only, weekdays 12:00-15:00"', async () => {
    const p = patients.find((x) => (x.service_card?.notes || []).some((n) => /12.{1,6}15/.test(n) && /(вацап|ватсап|whatsapp)/i.test(n)));
    assert.ok(p, 'the demo data has a WhatsApp weekdays 12-15 patient');
    const { page } = await open(`/patients/${p.patient.id}`);
    const { overlay } = await waitForOverlay(page);
    assert.match(overlay.preferences || '', /WhatsApp/);
    assert.match(overlay.preferences || '', /12:00/);
    assert.match(overlay.preferences || '', /15:00/);
    assert.equal(overlay.verdict, 'wait', 'at 10:00 on a Monday the window has not opened');
    assert.match(overlay.subtitle || '', /12:00/, 'the next window is shown');
    await page.close();
  });
});

describe('missing data is never clear', () => {
  test('each section removed in turn is named as not verified, and the verdict is never "call"', async () => {
    const clear = patients.find((p) => p.scenario.expect.verdict === 'call');
    assert.ok(clear, 'an all-clear patient exists');
    const failures = [];
    for (const section of SECTIONS) {
      const { page } = await open(`/patients/${clear.patient.id}?hide=${section}`);
      const { overlay } = await waitForOverlay(page);
      const nv = overlay.groups.not_verified || [];
      if (!nv.some((i) => i.source === section && i.text.startsWith(SECTION_NAMES_RU[section]))) {
        failures.push(`${section}: not named in "Не проверено" (${JSON.stringify(nv)})`);
      }
      if (overlay.verdict === 'call') failures.push(`${section}: verdict is call with the section missing`);
      await page.close();
    }
    assert.deepEqual(failures, []);
  });
});

describe('the page is untrusted', () => {
  test('hostile text is shown as text and nothing executes', async () => {
    const p = patients.find((x) => JSON.stringify(x).includes('onerror'));
    assert.ok(p, 'the demo data has a hostile patient');
    const { page, dialogs } = await open(`/patients/${p.patient.id}`);
    const { overlay } = await waitForOverlay(page);
    await page.waitForTimeout(300);
    assert.deepEqual(dialogs, [], 'no alert ran');
    // (CDP lists our constructed stylesheet as a style node, so <style> is not checked here.)
    for (const tag of ['img', 'script', 'svg', 'iframe', 'object', 'embed', 'link']) {
      assert.ok(!overlay.elementNames.includes(tag), `no <${tag}> inside the overlay`);
    }
    for (const href of overlay.links) {
      assert.match(href, /^(https:\/\/(wa\.me|t\.me)\/|sms:|mailto:|tel:)/, `only dial/messenger links: ${href}`);
    }
    assert.ok(overlay.text.includes('<img src=x onerror=alert(1)>') || overlay.text.includes('<script>'),
      `the hostile text appears literally: ${overlay.text.slice(0, 500)}`);
    await page.close();
  });

  test('the overlay is a closed shadow root, fixed in place, styled under a strict CSP', async () => {
    const p = patients[0];
    const { page, response } = await open(`/patients/${p.patient.id}`);
    const csp = response.headers()['content-security-policy'] || '';
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /default-src 'self'/);
    const { overlay } = await waitForOverlay(page);
    assert.equal(overlay.shadowMode, 'closed');
    const seen = await page.evaluate(() => {
      const host = document.querySelector('precall-overlay');
      return { shadow: host && host.shadowRoot, position: host && getComputedStyle(host).position };
    });
    assert.equal(seen.shadow, null, 'page scripts cannot reach the overlay');
    assert.equal(seen.position, 'fixed', 'our stylesheet applies despite the page CSP; no layout shift');
    await page.close();
  });
});

describe('single-page MIS', () => {
  test('switching patients with pushState re-evaluates, with one overlay and no page load', async () => {
    const [a, b] = [patients[0], patients.find((p) => p.scenario.expect.verdict !== patients[0].scenario.expect.verdict)];
    const { page } = await open(`/app/patients/${a.patient.id}`);
    const first = await waitForOverlay(page, (o) => o.verdict === a.scenario.expect.verdict);
    assert.equal(first.all.length, 1);
    await page.evaluate(() => { window.__precallMarker = 'same document'; });
    await page.click(`a[href$="/patients/${b.patient.id}"]`);
    await page.waitForURL(`**/app/patients/${b.patient.id}`);
    const second = await waitForOverlay(page, (o) => o.verdict === b.scenario.expect.verdict);
    assert.equal(second.all.length, 1, 'never a duplicate overlay');
    assert.equal(await page.evaluate(() => window.__precallMarker), 'same document', 'no page load');
    await page.goBack();
    const third = await waitForOverlay(page, (o) => o.verdict === a.scenario.expect.verdict);
    assert.equal(third.all.length, 1);
    await page.close();
  });

  test('pages that are not patient cards get no overlay', async () => {
    const { page } = await open('/patients');
    await page.waitForTimeout(800);
    assert.deepEqual(await readOverlays(page), []);
    await page.close();
  });
});
