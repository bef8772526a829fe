// The call script and drafts on the overlay, the copy button, and a page whose data the
// core cannot understand: the overlay names the field and treats that section as not read.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  clickInOverlay, demoPatients, launchBrowser, ROOT, setSettings, startDemoMis, TEST_CLOCK, TEST_TODAY,
  waitForOverlay,
} from './harness.mjs';

let mis;
let browser;
let patients;

before(async () => {
  patients = await demoPatients();
  mis = await startDemoMis();
  browser = await launchBrowser();
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: mis.base });
  await setSettings(browser.worker, { config: null, clock: TEST_CLOCK });
});

after(async () => {
  await browser?.close();
  mis?.stop();
});

const byKey = (key) => patients.find((p) => p.scenario.key === key);

test('a call verdict comes with a script for this patient, and Copy puts it on the clipboard', async () => {
  const p = byKey('plan_urgent_unstarted');
  const page = await browser.context.newPage();
  await page.goto(`${mis.base}/patients/${p.patient.id}`);
  const { overlay } = await waitForOverlay(page, (o) => o.script.length);
  const parts = overlay.script.map((l) => l.part);
  assert.equal(parts[0], 'greeting');
  assert.ok(parts.includes('reason') && parts.includes('way_out'), parts.join(','));
  assert.match(overlay.script[0].text, new RegExp(`${p.patient.given} ${p.patient.patronymic}`));
  assert.ok(overlay.script.some((l) => l.text.includes('46')), 'the plan item in concrete words');
  await clickInOverlay(page, overlay.copyScript);
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, overlay.script.map((l) => l.text).join('\n'));
  await page.close();
});

test('message only: a draft for the patient\'s channel with a link that opens it', async () => {
  const p = byKey('no_call_agreement');
  const page = await browser.context.newPage();
  await page.goto(`${mis.base}/patients/${p.patient.id}`);
  const { overlay } = await waitForOverlay(page, (o) => o.drafts.length);
  assert.equal(overlay.verdict, 'message_only');
  assert.ok(overlay.links.some((href) => /^(https:\/\/wa\.me\/7\d{10}\?text=|https:\/\/t\.me\/|sms:\+7\d{10})/.test(href)),
    overlay.links.join(' '));
  await page.close();
});

test('a value the core cannot understand: the overlay names the field and the section is not read', async () => {
  const id = byKey('all_clear').patient.id;
  const html = execFileSync(process.execPath, [path.join(ROOT, 'demo/mis/server.js'), '--render', id, '--today', TEST_TODAY])
    .toString()
    .replace(/<td class="visit-date">[^<]*<\/td>/, '<td class="visit-date">31.02.2026</td>');
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const page = await browser.context.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/patients/${id}`);
    const { overlay } = await waitForOverlay(page);
    const visits = (overlay.groups.not_verified || []).filter((i) => i.source === 'visits');
    assert.ok(visits.some((i) => /Визиты: не удалось понять/.test(i.text) && /visits\[0\]\.date/.test(i.text)),
      JSON.stringify(overlay.groups.not_verified));
    assert.notEqual(overlay.verdict, 'call');
    await page.close();
  } finally {
    server.close();
  }
});
