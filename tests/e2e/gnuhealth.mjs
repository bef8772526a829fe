// A live local GNU Health (Tryton 7.0 + SAO 7.0) for the end-to-end tests and the fixture
// generator: tests/gnuhealth/setup.sh prepares (once, cached in target/gnuhealth) a venv, SAO
// and a template database with our demo data; here a copy of that database is served by
// trytond on a free port of 127.0.0.1 and stopped afterwards.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, ROOT } from './harness.mjs';

export const GH_DIR = process.env.PRECALL_GNUHEALTH_DIR || path.join(ROOT, 'target/gnuhealth');
export const GH_DB = 'health';
export const GH_LOGIN = 'admin';
export const GH_PASSWORD = 'admin';

/**
 * Runs the setup (idempotent; about 2 minutes the first time, a second afterwards).
 * Returns { ok: true, seconds } or { ok: false, skip: reason } when this machine cannot make
 * a Python venv; any other failure throws.
 */
export function setupGnuHealth() {
  const t0 = Date.now();
  const r = spawnSync('bash', [path.join(ROOT, 'tests/gnuhealth/setup.sh'), GH_DIR], {
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 15 * 60 * 1000,
  });
  const seconds = (Date.now() - t0) / 1000;
  if (r.status === 3) return { ok: false, skip: 'no Python venv support on this machine (apt-get install python3-venv)', seconds };
  if (r.status !== 0) throw new Error(`tests/gnuhealth/setup.sh failed (exit ${r.status ?? r.signal})`);
  return { ok: true, seconds };
}

/** The demo data as created (patient ids, PUIDs, contacts, appointments). */
export function demoData() {
  return JSON.parse(readFileSync(path.join(GH_DIR, 'db/demo.json'), 'utf8'));
}

async function rpc(base, method, params, auth, db = GH_DB) {
  const headers = { 'Content-Type': 'application/json' };
  if (auth) headers.Authorization = auth;
  const res = await fetch(`${base}/${db ? `${db}/` : ''}`, { method: 'POST', headers, body: JSON.stringify({ id: 1, method, params }) });
  if (!res.ok) throw new Error(`${method}: HTTP ${res.status}`);
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error).slice(0, 300)}`);
  return body.result;
}

/** Starts trytond on a copy of the template database; resolves when it answers. */
export async function startGnuHealth() {
  const work = mkdtempSync(path.join(tmpdir(), 'precall-gnuhealth-'));
  cpSync(path.join(GH_DIR, 'db'), work, { recursive: true });
  const port = await freePort();
  const child = spawn(path.join(GH_DIR, 'venv/bin/trytond'), ['-c', path.join(GH_DIR, 'trytond.conf')], {
    env: { ...process.env, TRYTOND_DATABASE__PATH: work, TRYTOND_WEB__LISTEN: `127.0.0.1:${port}` },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`trytond exited: ${stderr}`);
    try {
      await rpc(base, 'common.server.version', [], null, '');
      break;
    } catch { /* not yet */ }
    if (Date.now() > deadline) {
      child.kill();
      rmSync(work, { recursive: true, force: true });
      throw new Error(`trytond did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    port,
    rpc: (method, params, auth) => rpc(base, method, params, auth),
    stop() {
      child.kill();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Logs in to SAO (user name, then the password dialog) in `page`; resolves when the menu shows. */
export async function saoLogin(page, base) {
  await page.goto(`${base}/#${GH_DB}`, { waitUntil: 'load' });
  await page.waitForSelector('#login', { state: 'visible', timeout: 30000 });
  await page.fill('#login', GH_LOGIN);
  await page.click('.login-dialog button[type=submit]');
  const pw = page.locator('input[type=password]:visible');
  await pw.waitFor({ timeout: 30000 });
  await pw.fill(GH_PASSWORD);
  await pw.press('Enter');
  await page.waitForSelector('#menu', { timeout: 30000 });
  // SAO stores the session in localStorage a moment after the menu shows.
  await page.waitForFunction((db) => localStorage.getItem(`sao_session_${db}`), GH_DB, { timeout: 30000 });
}

/** Opens a patient's form by URL (a full load; the session comes from localStorage) and waits for its record. */
export async function openPatient(page, base, patientId) {
  await page.goto('about:blank');
  await page.goto(`${base}/#${GH_DB}/model/gnuhealth.patient/${patientId}`, { waitUntil: 'load' });
  await waitForPatientRecord(page);
}

/** Waits until the shown tab's patient form has its record (the PUID value is set). */
export async function waitForPatientRecord(page, puid) {
  await page.waitForFunction((want) => {
    const el = document.querySelector('#tabcontent > .tab-pane.active .form input[name=puid]');
    return el && el.value && (!want || el.value === want);
  }, puid, { timeout: 30000 });
}

/** Copies form values (DOM properties) into attributes, as the extension's page copy does. */
export function materialize() {
  for (const el of document.querySelectorAll('input')) {
    if (el.type === 'checkbox' || el.type === 'radio') el.toggleAttribute('checked', el.checked);
    else el.setAttribute('value', el.value);
  }
  for (const el of document.querySelectorAll('textarea')) el.textContent = el.value;
  for (const el of document.querySelectorAll('select option')) el.toggleAttribute('selected', el.selected);
}
