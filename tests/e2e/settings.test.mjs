// End to end, the clinic settings on the options page (issue 8): a saved change reaches the
// overlay of an open MIS tab without a reload; bad values get the core's message beside their
// field and nothing is saved; export then import into a fresh profile gives the same settings;
// a browser policy (Chromium's managed policy directory) locks its fields and wins over the user.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { demoPatients, launchBrowser, ROOT, setSettings, startDemoMis, TEST_CLOCK, waitForOverlay } from './harness.mjs';

const POLICY_DIR = '/etc/chromium/policies/managed';
const POLICY_FILE = path.join(POLICY_DIR, 'precall-e2e-test.json');
const messages = JSON.parse(readFileSync(path.join(ROOT, '_locales/ru/messages.json'), 'utf8'));
/** A message as the page words it (placeholders $a1$ filled with the arguments). */
const word = (key, ...args) => messages[key].message.replace(/\$a(\d)\$/g, (_, n) => args[n - 1]);

let mis;
let patients;
const browsers = [];

before(async () => {
  patients = await demoPatients();
  mis = await startDemoMis();
});

after(async () => {
  for (const b of browsers) await b.close().catch(() => {});
  mis?.stop();
});

async function browser() {
  const b = await launchBrowser();
  browsers.push(b);
  await setSettings(b.worker, { config: null, clock: TEST_CLOCK });
  return b;
}

async function options(b) {
  const page = await b.context.newPage();
  await page.goto(`chrome-extension://${b.extensionId}/extension/options.html`);
  await page.waitForSelector('body[data-settings-ready]');
  return page;
}

const stored = (b) => b.worker.evaluate(async () => (await chrome.storage.local.get('settings')).settings);
const patient = (key) => patients.find((p) => p.scenario.key === key).patient;
const scriptText = (o) => o.script.map((l) => l.text).join('\n');

// Both core paths: the demo MIS's strict CSP (the engine page reads a copy) and without it (the content script's own wasm).
for (const csp of [true, false]) test(`a setting saved on the options page changes the overlay of an open MIS tab without a reload (${csp ? 'strict CSP: engine page' : 'no CSP: content script'})`, async (t) => {
  const b = await browser();
  const server = csp ? mis : await startDemoMis({ csp: false });
  if (!csp) t.after(() => server.stop());
  const misPage = await b.context.newPage();
  await misPage.goto(`${server.base}/patients/${patient('plan_urgent_unstarted').id}`);
  const { overlay: before } = await waitForOverlay(misPage, (o) => o.script.length);
  assert.equal(before.verdict, 'call');
  assert.doesNotMatch(scriptText(before), /Ирина Тестова/);
  await misPage.evaluate(() => { window.precallTestMarker = 'same page'; });

  const page = await options(b);
  await page.fill('#s-caller-name', 'Ирина Тестова');
  await page.fill('#s-caller-role', 'администратор');
  await page.click('#s-save');
  await page.waitForSelector('#settings-status.ok');
  assert.equal(await page.textContent('#settings-status'), word('settings_saved'));
  const saved = await stored(b);
  assert.deepEqual(saved.config.caller, { name: 'Ирина Тестова', role: 'администратор' });
  assert.equal(saved.clock, TEST_CLOCK, 'the trainer clock is kept');
  assert.equal(saved.templates, undefined, 'the shipped templates are not copied into the settings');

  const { overlay: named } = await waitForOverlay(misPage, (o) => /Меня зовут Ирина Тестова, я администратор/.test(scriptText(o)));
  assert.equal(named.verdict, 'call');

  // Calling hours that exclude the clock's 10:00: no call now.
  await page.fill('#s-hours-from', '12:00');
  await page.fill('#s-hours-to', '20:00');
  await page.click('#s-save');
  const { overlay: later } = await waitForOverlay(misPage, (o) => o.verdict && o.verdict !== 'call');
  assert.equal(later.verdict, 'wait', JSON.stringify(later.groups));
  assert.match(JSON.stringify(later.groups), /12:00/);

  // A clinic's own template (edited in the page) is used for the script.
  await page.fill('#s-hours-from', '09:00');
  const text = await page.inputValue('#s-templates');
  await page.fill('#s-templates', text.replace('{patient.greeting_name}, здравствуйте!', 'Добрый день, {patient.greeting_name}!'));
  await page.click('#s-save');
  await page.waitForSelector('#settings-status.ok');
  await waitForOverlay(misPage, (o) => o.verdict === 'call' && /^Добрый день, /.test(o.script[0]?.text || ''));
  assert.equal(await misPage.evaluate(() => window.precallTestMarker), 'same page', 'the MIS tab was not reloaded');
});

test('bad values get the core\'s message beside their field, and nothing is saved', async () => {
  const b = await browser();
  const page = await options(b);
  const before = await stored(b);
  await page.fill('#s-timezone', 'Europe/Atlantis');
  await page.fill('#s-hours-from', '21:00');
  await page.fill('#s-hours-to', '09:00');
  await page.fill('#s-cap', '0');
  await page.fill('#s-w-morning-from', '13:00');
  await page.click('#s-campaign-add');
  assert.equal(await page.evaluate(() => document.activeElement.id), 's-campaign-0-name', 'the new row takes the focus');
  await page.keyboard.type('Весенняя гигиена');
  await page.fill('#s-campaign-0-discount', '150');
  const t = await page.inputValue('#s-templates');
  await page.fill('#s-templates', t.replace('{patient.greeting_name}, здравствуйте!', '{patient.nickname}, здравствуйте!'));
  await page.click('#s-save');
  await page.waitForSelector('#settings-errors:not([hidden])');

  const shown = await page.$$eval('.field-error', (ns) => ns.map((n) => ({ path: n.dataset.errorPath, text: n.textContent,
    field: n.closest('.field').querySelector('[data-path]').id })));
  const want = {
    'config.timezone': ['s-timezone', word('settings_err_timezone', 'Europe/Atlantis')],
    'config.calling_hours.to': ['s-hours-to', word('settings_err_order', '21:00', '09:00')],
    'config.attempt_cap': ['s-cap', word('settings_err_range', '1', '20')],
    'config.vague_windows.morning.to': ['s-w-morning-to', word('settings_err_order', '13:00', '12:00')],
    'config.campaigns[0].discount_pct': ['s-campaign-0-discount', word('settings_err_percent')],
  };
  for (const [p, [field, text]] of Object.entries(want)) {
    const hit = shown.find((s) => s.path === p);
    assert.ok(hit, `${p} not shown: ${JSON.stringify(shown)}`);
    assert.equal(hit.field, field);
    assert.equal(hit.text, text);
  }
  const tpl = shown.find((s) => s.path === 'templates.script.greeting');
  assert.ok(tpl && tpl.field === 's-templates' && /nickname/.test(tpl.text), JSON.stringify(shown));
  assert.equal(shown.length, 6, JSON.stringify(shown));
  assert.equal(await page.getAttribute('#s-cap', 'aria-invalid'), 'true');
  assert.equal(await page.textContent('#settings-status'), word('settings_not_saved', 6));
  assert.equal(await page.evaluate(() => document.activeElement.id), 'settings-errors', 'the summary takes the focus');
  // The summary's links lead to the fields by keyboard.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  const focused = await page.evaluate(() => document.activeElement.dataset.path);
  assert.ok(Object.keys(want).includes(focused) || focused === 'templates', focused);
  assert.deepEqual(await stored(b), before, 'nothing was saved');

  // Fixed: saved, and the messages are gone.
  await page.fill('#s-timezone', 'Asia/Yekaterinburg');
  await page.fill('#s-hours-from', '09:00');
  await page.fill('#s-hours-to', '20:00');
  await page.fill('#s-cap', '4');
  await page.fill('#s-w-morning-from', '08:00');
  await page.fill('#s-campaign-0-discount', '15');
  await page.fill('#s-campaign-0-services', 'Гигиена, Отбеливание');
  await page.click('#s-templates-reset');
  await page.click('#s-save');
  await page.waitForSelector('#settings-status.ok', { timeout: 5000 }).catch(async () => {
    assert.fail(await page.textContent('#settings-errors'));
  });
  assert.equal(await page.$$eval('.field-error', (ns) => ns.length), 0);
  const saved = await stored(b);
  assert.equal(saved.config.timezone, 'Asia/Yekaterinburg');
  assert.equal(saved.config.attempt_cap, 4);
  assert.deepEqual(saved.config.vague_windows.morning, { from: '08:00', to: '12:00' });
  assert.deepEqual(saved.config.campaigns, [{ name: 'Весенняя гигиена', services: ['Гигиена', 'Отбеливание'], discount_pct: 15 }]);
});

test('export then import into a fresh profile gives the same settings; a bad file changes nothing', async () => {
  const b = await browser();
  const page = await options(b);
  await page.fill('#s-caller-name', 'Ольга Смирнова');
  await page.fill('#s-cooldown', '3');
  await page.selectOption('#s-locale', 'en');
  assert.match(await page.inputValue('#s-templates'), /"locale": "en"/, 'the shipped templates follow the language');
  await page.click('#s-save');
  await page.waitForSelector('#settings-status.ok');
  assert.equal(await page.textContent('#s-save'), 'Save', 'the page speaks the chosen language');
  const saved = await stored(b);

  const download = page.waitForEvent('download');
  await page.click('#s-export');
  const file = await (await download).path();
  const text = readFileSync(file, 'utf8');
  const parsed = JSON.parse(text);
  assert.equal(parsed.format, 'precall.settings');
  assert.equal(parsed.clock, undefined, 'the trainer clock is not exported');

  const fresh = await browser();
  await setSettings(fresh.worker, {});
  const page2 = await options(fresh);
  // A broken file first: said plainly, nothing changes.
  const broken = path.join(path.dirname(file), 'broken.json');
  writeFileSync(broken, text.replace('"cooldown_days": 3', '"cooldown_days": "three"'));
  await page2.setInputFiles('#s-import', broken);
  await page2.waitForSelector('[data-testid="settings-import-result"].error');
  assert.match(await page2.textContent('[data-testid="settings-import-result"]'), /config\.cooldown_days/);
  assert.deepEqual(await stored(fresh), {});

  await page2.setInputFiles('#s-import', file);
  await page2.waitForSelector('[data-testid="settings-import-result"].ok');
  const { clock, ...rest } = saved;
  assert.equal(clock, TEST_CLOCK);
  assert.deepEqual(await stored(fresh), rest);
  assert.equal(await page2.inputValue('#s-caller-name'), 'Ольга Смирнова');
  assert.equal(await page2.inputValue('#s-cooldown'), '3');
  rmSync(broken, { force: true });
});

test('a browser policy locks its fields on the options page and wins over the user\'s settings', async (t) => {
  const created = [];
  try {
    for (const dir of ['/etc/chromium', '/etc/chromium/policies', POLICY_DIR]) {
      if (!existsSync(dir)) { mkdirSync(dir); created.push(dir); }
    }
    writeFileSync(POLICY_FILE, '{}');
  } catch (err) {
    for (const dir of created.reverse()) try { rmdirSync(dir); } catch { /* not ours to keep */ }
    t.skip(`cannot write Chromium's policy directory ${POLICY_DIR} (${err.code}): run as root to test the managed policy`);
    return;
  }
  try {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'manifest.json'), 'utf8'));
    assert.ok(manifest.key, 'manifest.json has a key, so the unpacked extension id is stable');
    const policy = { config: { caller: { name: 'Колл-центр сети' }, calling_hours: { from: '09:00', to: '20:00' }, attempt_cap: 2 } };
    // The id Chromium derives from the key: the first 128 bits of its SHA-256, as letters a-p.
    const hex = createHash('sha256').update(Buffer.from(manifest.key, 'base64')).digest('hex').slice(0, 32);
    const id = [...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
    writeFileSync(POLICY_FILE, JSON.stringify({ '3rdparty': { extensions: { [id]: policy } } }));

    const b = await browser();
    assert.equal(b.extensionId, id);
    assert.deepEqual(await b.worker.evaluate(() => chrome.storage.managed.get(null)), policy);
    await setSettings(b.worker, { config: { caller: { name: 'Анна', role: 'администратор' }, attempt_cap: 5 }, clock: TEST_CLOCK });

    const page = await options(b);
    assert.equal(await page.isHidden('[data-testid="settings-managed"]'), false);
    for (const [sel, value] of [['#s-caller-name', 'Колл-центр сети'], ['#s-hours-from', '09:00'], ['#s-hours-to', '20:00'], ['#s-cap', '2']]) {
      assert.equal(await page.inputValue(sel), value, sel);
      assert.equal(await page.isDisabled(sel), true, `${sel} is locked`);
      const note = await page.getAttribute(sel, 'aria-describedby');
      assert.equal(await page.textContent(`#${note}`), word('settings_managed_field'));
    }
    assert.equal(await page.isDisabled('#s-caller-role'), false);
    assert.equal(await page.inputValue('#s-caller-role'), 'администратор');

    // The user changes what is theirs; the policy's fields keep the user's own values underneath.
    await page.fill('#s-caller-role', 'старший администратор');
    await page.click('#s-save');
    await page.waitForSelector('#settings-status.ok');
    const saved = await stored(b);
    assert.equal(saved.config.caller.name, 'Анна');
    assert.equal(saved.config.caller.role, 'старший администратор');
    assert.equal(saved.config.attempt_cap, 5);

    // The overlay uses the policy over the user's settings.
    const misPage = await b.context.newPage();
    await misPage.goto(`${mis.base}/patients/${patient('plan_urgent_unstarted').id}`);
    const { overlay } = await waitForOverlay(misPage, (o) => o.script.length);
    assert.match(scriptText(overlay), /Меня зовут Колл-центр сети, я старший администратор/);
  } finally {
    rmSync(POLICY_FILE, { force: true });
    for (const dir of created.reverse()) try { rmdirSync(dir); } catch { /* not empty: not ours alone */ }
  }
});
