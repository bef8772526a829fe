// The demo MIS in a real browser: the SPA switches patients with pushState and no page load,
// back/forward work, the strict CSP reports nothing, hostile text stays text, and every card
// reads back (reference-extract.js, following MARKUP.md) into exactly its snapshot.
//
// Needs playwright-core (the project's npm dev dependency) and /usr/bin/chromium; without them
// it skips with a message, so `node --test demo/mis/test/` still runs anywhere.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';

import { loadPatients, toSnapshot } from '../data.js';
import { startMisServer } from '../server.js';
import { extractCard, withoutNulls } from '../reference-extract.js';

const TODAY = '2026-11-23';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const playwright = await import('playwright-core').catch(() => null);
const skip = !playwright ? 'playwright-core is not installed (npm ci at the repo root)'
  : !existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM}` : false;
if (skip) console.log(`# browser tests skipped: ${skip}`);

describe('demo MIS in Chromium', { skip }, () => {
  let server;
  let base;
  let browser;
  let page;
  const problems = [];
  const patients = loadPatients({ today: TODAY });

  before(async () => {
    ({ server, url: base } = await startMisServer({ port: 0, today: TODAY }));
    browser = await playwright.chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
    });
    page = await browser.newPage();
    page.on('console', (m) => { if (['error', 'warning'].includes(m.type())) problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  const cardId = () => page.evaluate(() => document.querySelector('article.patient-card')?.dataset.patientId);
  const path = () => new URL(page.url()).pathname;

  it('switches patients in place, with history', async () => {
    await page.goto(`${base}/app/patients/1001`);
    await page.evaluate(() => { window.samePage = true; });
    await page.click('a.app-patient[data-id="1003"]');
    await page.waitForSelector('article[data-patient-id="1003"]');
    assert.equal(path(), '/app/patients/1003');
    await page.click('a.relative-link[href="/patients/1004"]');
    await page.waitForSelector('article[data-patient-id="1004"]');
    assert.equal(path(), '/app/patients/1004');
    assert.equal(await page.title(), 'Кузнецов А.Д. — карта пациента — ДентаЛайн МИС');
    await page.goBack();
    await page.waitForSelector('article[data-patient-id="1003"]');
    await page.goBack();
    await page.waitForSelector('article[data-patient-id="1001"]');
    await page.goForward();
    await page.waitForSelector('article[data-patient-id="1003"]');
    assert.equal(path(), '/app/patients/1003');
    assert.equal(await page.evaluate(() => window.samePage), true, 'no page load happened');
    assert.equal(await page.locator('article.patient-card').count(), 1);
    assert.equal(await page.getAttribute('.app-patient--active', 'data-id'), '1003');
  });

  it('keeps ?hide= across SPA switches', async () => {
    await page.goto(`${base}/app/patients/1001?hide=visits`);
    await page.click('a.app-patient[data-id="1002"]');
    await page.waitForSelector('article[data-patient-id="1002"]');
    assert.equal(new URL(page.url()).search, '?hide=visits');
    assert.equal(await page.locator('#section-visits').count(), 0);
  });

  it('shows hostile text as text, nothing runs', async () => {
    await page.goto(`${base}/patients/1020`);
    assert.equal(await page.textContent('.patient-family'), '<img src=x onerror=alert(1)>');
    assert.equal(await page.locator('article img, article script, article iframe, article svg').count(), 0);
    await page.goto(`${base}/app/patients/1001`);
    await page.click('a.app-patient[data-id="1020"]');
    await page.waitForSelector('article[data-patient-id="1020"]');
    assert.equal(await page.locator('article img, article script, article iframe, article svg').count(), 0);
  });

  it('reads every card back into exactly its snapshot (MARKUP.md holds)', async () => {
    for (const p of patients) {
      await page.goto(`${base}/patients/${p.patient.id}`);
      const read = await page.evaluate(`(${extractCard})(document.querySelector('article.patient-card'))`);
      assert.deepEqual(withoutNulls(read), withoutNulls(toSnapshot(p)), `card ${p.patient.id}`);
    }
  });

  it('filters the patient list as the administrator types', async () => {
    await page.goto(`${base}/patients`);
    await page.fill('#patient-search', 'кузнецов');
    const shown = await page.$$eval('#patient-list tbody tr', (rows) => rows.filter((r) => !r.hidden).map((r) => r.dataset.id));
    assert.deepEqual(shown, ['1003', '1004']);
  });

  it('raised no console error, CSP violation or dialog', () => {
    assert.deepEqual(problems, []);
  });
});
