// Forgery: the page cannot talk to the extension or read what it shows or keeps.
// - page postMessages and DOM events posing as ours change nothing;
// - the page has no extension API (no runtime messaging, no storage);
// - another extension's messages get no answer, and the engine page answers only the worker;
// - the overlay is a closed shadow root even when the page hooks attachShadow first.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  demoPatients, engineCount, launchBrowser, readOverlays, setSettings, startDemoMis, TEST_CLOCK, waitForEngines, waitForOverlay,
} from './harness.mjs';

const FORGED = '<!doctype html><article class="patient-card" id="patient-card" data-patient-id="forged">'
  + '<section id="section-patient"><h1 class="patient-name"><span class="patient-family">Подделкин</span></h1></section></article>';

let open;
let strict;
let browser;
let patients;
let attacker;

before(async () => {
  patients = await demoPatients();
  open = await startDemoMis({ csp: false });
  strict = await startDemoMis({ csp: true });
  // Another extension installed beside ours, trying to use it.
  attacker = mkdtempSync(path.join(tmpdir(), 'precall-attacker-'));
  writeFileSync(path.join(attacker, 'manifest.json'), JSON.stringify({
    manifest_version: 3, name: 'attacker', version: '1', background: { service_worker: 'sw.js' },
  }));
  writeFileSync(path.join(attacker, 'sw.js'), '// calls come from the test through evaluate\n');
  browser = await launchBrowser({ extraExtensions: [attacker] });
  await setSettings(browser.worker, { config: null, clock: TEST_CLOCK });
});

after(async () => {
  await browser?.close();
  open?.stop();
  strict?.stop();
  if (attacker) rmSync(attacker, { recursive: true, force: true });
});

/** What the page tries: messages and events that look like ours, and the extension APIs. */
async function forge(page, extensionId) {
  return page.evaluate(async ({ html, extensionId }) => {
    const msg = { type: 'precall:check-html', html, url: location.href, input: {} };
    for (const m of [msg, { ...msg, type: 'precall:engine-check' }, { type: 'precall:result', status: 'ok', panel: { verdict: 'call' } }]) {
      window.postMessage(m, '*');
      window.postMessage(JSON.stringify(m), '*');
    }
    for (const name of ['precall:check', 'precall:result', 'precall-check', 'message']) {
      const detail = { ...msg, status: 'ok', panel: { verdict: 'call', title: 'forged', groups: [], words: {} } };
      window.dispatchEvent(new CustomEvent(name, { detail }));
      document.dispatchEvent(new CustomEvent(name, { detail, bubbles: true }));
    }
    // A forged renderer in the page's world: the content script has its own globals.
    window.precallOverlay = { show() { window.__leak = 'show'; }, message() { window.__leak = 'message'; }, hide() {} };
    // Navigation events are the page's own to fire: at most a re-read of the same page.
    window.dispatchEvent(new PopStateEvent('popstate'));
    const api = {
      chrome: typeof chrome,
      runtime: typeof (globalThis.chrome && chrome.runtime && chrome.runtime.sendMessage),
      storage: typeof (globalThis.chrome && chrome.storage),
    };
    let reply = 'no API';
    if (api.runtime === 'function') {
      try { reply = await chrome.runtime.sendMessage(extensionId, msg); } catch (e) { reply = `refused: ${e.message}`; }
    }
    await new Promise((r) => setTimeout(r, 600));
    return { api, reply: String(reply), leak: window.__leak || null };
  }, { html: FORGED, extensionId });
}

for (const [name, mis] of [['content script path', () => open], ['engine path (strict CSP)', () => strict]]) {
  test(`${name}: page messages and events posing as ours change nothing`, async () => {
    const p = patients[0];
    const page = await browser.context.newPage();
    await page.goto(`${mis().base}/patients/${p.patient.id}`);
    const before = (await waitForOverlay(page)).overlay;
    // The engine page the first page had started (either path starts it), before anything is forged.
    await waitForEngines(browser.worker, 1);
    const engines = await engineCount(browser.worker);
    const stored = await browser.worker.evaluate(() => chrome.storage.local.get(null));
    const result = await forge(page, browser.extensionId);
    assert.equal(result.api.runtime, 'undefined', 'no runtime messaging in the page');
    assert.equal(result.api.storage, 'undefined', 'no extension storage in the page');
    assert.equal(result.leak, null, 'the page\'s own precallOverlay is never called');
    const overlays = await readOverlays(page);
    assert.equal(overlays.length, 1);
    assert.equal(overlays[0].verdict, before.verdict);
    assert.equal(overlays[0].who, before.who);
    assert.ok(!overlays[0].text.includes('Подделкин') && !overlays[0].text.includes('forged'));
    assert.equal(await engineCount(browser.worker), engines, 'no engine started by the page');
    assert.deepEqual(await browser.worker.evaluate(() => chrome.storage.local.get(null)), stored, 'storage untouched');
    await page.close();
  });
}

test('the content script listens to no page messages (no message listener on window)', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${open.base}/patients/${patients[0].patient.id}`);
  await waitForOverlay(page);
  const cdp = await page.context().newCDPSession(page);
  const contexts = [];
  cdp.on('Runtime.executionContextCreated', (e) => contexts.push(e.context));
  await cdp.send('Runtime.enable');
  // The page's world and the content script's isolated world (the listeners are per world).
  const ours = contexts.find((c) => c.origin === `chrome-extension://${browser.extensionId}` || c.name === 'Перед звонком — pre-call check');
  assert.ok(ours, `the content script's world is found: ${JSON.stringify(contexts.map((c) => [c.name, c.origin]))}`);
  for (const contextId of [undefined, ours.id]) {
    const { result } = await cdp.send('Runtime.evaluate', { expression: 'window', ...(contextId ? { contextId } : {}) });
    const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId });
    assert.deepEqual(listeners.filter((l) => l.type === 'message').map((l) => l.scriptId), [], `world ${contextId || 'page'}`);
  }
  await cdp.detach();
  await page.close();
});

test('another extension gets no answer; the engine page answers only the worker and our content scripts', async () => {
  // Start the engine (a strict-CSP page needs it).
  const page = await browser.context.newPage();
  await page.goto(`${strict.base}/patients/${patients[0].patient.id}`);
  await waitForOverlay(page);
  assert.equal(await engineCount(browser.worker), 1);
  const other = browser.context.serviceWorkers().find((w) => w !== browser.worker);
  assert.ok(other, 'the attacker extension runs');
  const msg = { type: 'precall:check-html', html: FORGED, url: 'http://127.0.0.1/patients/forged', input: {} };
  const fromOther = await other.evaluate(async ({ id, msg }) => {
    const out = [];
    for (const m of [msg, { ...msg, type: 'precall:engine-check' }]) {
      try { out.push(JSON.stringify(await chrome.runtime.sendMessage(id, m)) ?? 'undefined'); } catch (e) { out.push(`refused: ${e.message}`); }
    }
    return out;
  }, { id: browser.extensionId, msg });
  for (const r of fromOther) assert.match(r, /^refused|^undefined$/, `another extension got ${r}`);
  // One of our own pages, opened in a tab, is neither the worker nor a content script: the
  // engine does not answer it, as a relay or as a copy.
  const tab = await browser.context.newPage();
  await tab.goto(`chrome-extension://${browser.extensionId}/extension/options.html`);
  for (const type of ['precall:engine-check', 'precall:check-html']) {
    const fromTab = await tab.evaluate(async (m) => {
      try { return JSON.stringify(await chrome.runtime.sendMessage(m)) ?? 'undefined'; } catch (e) { return `refused: ${e.message}`; }
    }, { ...msg, type });
    assert.match(fromTab, /^refused|^undefined$/, `the engine answered a tab's ${type}: ${fromTab.slice(0, 200)}`);
  }
  // Nor over the engine page's port, which is for our content scripts in MIS tabs (another
  // extension cannot connect at all: we listen for no external connections).
  const overPort = await tab.evaluate((m) => new Promise((resolve) => {
    const port = chrome.runtime.connect({ name: 'precall:check' });
    port.onMessage.addListener((r) => resolve(`answered: ${JSON.stringify(r)}`));
    port.onDisconnect.addListener(() => resolve('disconnected'));
    port.postMessage({ ...m, id: 1 });
  }), msg);
  assert.equal(overPort, 'disconnected');
  const portFromOther = await other.evaluate((id) => new Promise((resolve) => {
    const port = chrome.runtime.connect(id, { name: 'precall:check' });
    port.onMessage.addListener((r) => resolve(`answered: ${JSON.stringify(r)}`));
    port.onDisconnect.addListener(() => resolve('disconnected'));
    port.postMessage({ type: 'precall:check-html', html: '<p>x</p>', url: 'http://127.0.0.1/', input: {}, id: 1 });
  }), browser.extensionId);
  assert.equal(portFromOther, 'disconnected');
  await tab.close();
  await page.close();
});

test('a page that hooks attachShadow and Element APIs first still cannot reach the overlay, nor select its text', async () => {
  const page = await browser.context.newPage();
  await page.addInitScript(() => {
    window.__roots = [];
    const attach = Element.prototype.attachShadow;
    Element.prototype.attachShadow = function (init) {
      const root = attach.call(this, { ...init, mode: 'open' });
      window.__roots.push(root);
      return root;
    };
    const append = Element.prototype.append;
    Element.prototype.append = function (...nodes) { window.__appended = (window.__appended || 0) + 1; return append.apply(this, nodes); };
  });
  await page.goto(`${open.base}/patients/${patients[0].patient.id}`);
  const { overlay } = await waitForOverlay(page);
  assert.equal(overlay.shadowMode, 'closed', 'our attachShadow is the isolated world\'s, not the page\'s');
  const seen = await page.evaluate(() => {
    const host = document.querySelector('precall-overlay');
    document.execCommand('selectAll');
    const selected = getSelection().toString();
    return {
      captured: window.__roots.length,
      shadow: host.shadowRoot,
      text: host.textContent,
      innerText: document.documentElement.innerText.includes('Перед звонком'),
      selection: selected.length > 0 && selected.includes('Перед звонком'),
    };
  });
  assert.deepEqual(seen, { captured: 0, shadow: null, text: '', innerText: false, selection: false });
  await page.close();
});
