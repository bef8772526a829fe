// Site access (issue #8): on an MIS origin other than the built-in ones the check runs only
// after the user enables it (an optional host permission), and stops when it is turned off,
// from the popup or from the browser's own extension settings.
//
// The MIS is the demo MIS under a name the manifest does not match: Chromium resolves
// mis.clinic.test to 127.0.0.1 (--host-resolver-rules). The popup is opened as a page and
// clicked like a user does (a real click: a user gesture). The one thing a test cannot click is
// the browser's own permission prompt: so the test profile granted this host once before (a
// first session whose manifest required it), and Chromium grants a host the user already
// granted again without a prompt. Everything after the grant is the real path.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { targetSession } from '../../scripts/bench/cdp.mjs';
import { copyPackageFiles } from '../../scripts/package.mjs';
import { demoPatients, launchBrowser, readOverlays, startDemoMis, waitForOverlay } from './harness.mjs';

const HOST = 'mis.clinic.test';
const SITE = `http://${HOST}/*`;
const ARGS = [`--host-resolver-rules=MAP ${HOST} 127.0.0.1`];

/**
 * In how many of the page's frames our content scripts ran (guard.js, at document_start, leaves
 * `precallGuard` in the extension's isolated world; Chromium may create that world without them).
 */
async function ourWorlds(page, extensionId) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const worlds = [];
    cdp.on('Runtime.executionContextCreated', ({ context }) => {
      if (context.auxData && context.auxData.type === 'isolated' && context.origin === `chrome-extension://${extensionId}`) worlds.push(context.id);
    });
    await cdp.send('Runtime.enable'); // reports the contexts that exist, before it answers
    let ran = 0;
    for (const contextId of worlds) {
      const { result } = await cdp.send('Runtime.evaluate', { contextId, expression: "typeof precallGuard !== 'undefined'" });
      if (result.value === true) ran += 1;
    }
    return ran;
  } finally {
    await cdp.detach();
  }
}

async function openPopup(browser) {
  const popup = await browser.context.newPage();
  await popup.goto(`chrome-extension://${browser.extensionId}/extension/popup.html`);
  await popup.waitForFunction(() => document.documentElement.lang && document.getElementById('here-status').textContent);
  return popup;
}

/**
 * The toolbar button's real popup, opened by chrome.action.openPopup() for the active tab
 * (Playwright does not list popups as pages: it is driven through CDP, as the engine page is,
 * with the bench's `targetSession`). Returns evaluate(expression) in the popup. Opened this way
 * the popup has no activeTab grant, so it sees the tab's address only on a site the extension
 * has access to.
 */
async function realPopup(browser, page) {
  await page.bringToFront();
  await browser.worker.evaluate(() => chrome.action.openPopup());
  let popup = null;
  for (let i = 0; i < 100 && !popup; i += 1) {
    popup = await targetSession(page, '/extension/popup.html');
    if (!popup) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(popup, 'the popup opened');
  return async (expression) => {
    const params = { expression, returnByValue: true, awaitPromise: true, userGesture: true };
    const r = await popup.send('Runtime.evaluate', params);
    if (r.exceptionDetails) throw new Error(`in the popup: ${JSON.stringify(r.exceptionDetails)}`);
    return r.result.value;
  };
}

/** Polls `expression` in the real popup until it is true. */
async function until(evaluate, expression) {
  for (let i = 0; i < 100; i += 1) {
    if (await evaluate(expression).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`the popup never showed: ${expression}`);
}

const listed = (popup) => popup.$$eval('#sites li .host', (els) => els.map((e) => e.textContent));
const registered = (browser) => browser.worker.evaluate(async () => (await chrome.scripting.getRegisteredContentScripts()).map((s) => [s.id, s.matches, s.runAt, s.allFrames]));
/** The registered scripts once the service worker has caught up with a grant or removal (n of them). */
async function settled(browser, n) {
  await browser.worker.evaluate(async (n) => {
    for (let i = 0; i < 100 && (await chrome.scripting.getRegisteredContentScripts()).length !== n; i += 1) await new Promise((r) => setTimeout(r, 100));
  }, n);
  return registered(browser);
}
/** What chrome://extensions' site-access control does (the user in the browser's own settings). */
async function browserSettings(browser, action) {
  const page = await browser.context.newPage();
  try {
    await page.goto(`chrome://extensions/?id=${browser.extensionId}`);
    return await page.evaluate(async ([action, id, site]) => {
      try { await chrome.developerPrivate[action](id, site); return 'ok'; } catch (err) { return String(err); }
    }, [action, browser.extensionId, SITE]);
  } finally {
    await page.close();
  }
}
const origins = (browser) => browser.worker.evaluate(async () => (await chrome.permissions.getAll()).origins);

describe('site access on an MIS origin other than the built-in ones', () => {
  let mis, dir, profile, url, manifest;

  before(async () => {
    mis = await startDemoMis();
    const [p] = await demoPatients();
    url = `http://${HOST}:${mis.port}/patients/${p.patient.id}`;
    // A copy of the extension: its manifest is changed for the "granted once before" session.
    dir = mkdtempSync(path.join(tmpdir(), 'precall-sites-ext-'));
    copyPackageFiles(dir);
    manifest = readFileSync(path.join(dir, 'manifest.json'), 'utf8');
    profile = mkdtempSync(path.join(tmpdir(), 'precall-sites-profile-'));
  });
  after(() => {
    mis.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  });

  test('not enabled: no content script and no overlay on the site; the popup lists no site', async () => {
    const browser = await launchBrowser({ extensionDir: dir, args: ARGS });
    try {
      assert.ok(!(await origins(browser)).includes(SITE));
      const page = await browser.context.newPage();
      await page.goto(url);
      assert.equal(await ourWorlds(page, browser.extensionId), 0, 'none of our scripts ran on the site');
      assert.deepEqual(await readOverlays(page), []);
      // The built-in origin still gets its overlay from the manifest's own content scripts.
      const local = await browser.context.newPage();
      await local.goto(url.replace(`${HOST}`, '127.0.0.1'));
      await waitForOverlay(local);
      assert.ok(await ourWorlds(local, browser.extensionId) >= 1, 'the world count sees our scripts where they run');
      const popup = await openPopup(browser);
      assert.deepEqual(await listed(popup), []);
      assert.deepEqual(await registered(browser), []);
      // An address typed in must be a website's, and not a built-in one.
      await popup.fill('#add-site', 'ftp://mis.clinic.test/');
      await popup.click('#add button[type=submit]');
      assert.match(await popup.textContent('#add-problem'), /http:\/\/ или https:\/\//);
      await popup.fill('#add-site', 'http://127.0.0.1:8765/patients');
      await popup.click('#add button[type=submit]');
      assert.match(await popup.textContent('#add-problem'), /Встроенный адрес/);
    } finally {
      await browser.close();
    }
  });

  test('enabled; off and on again in the browser\'s settings (the open tab at once); after a restart; off from the toolbar popup', async () => {
    // The profile's first session: a manifest that required the host (the user granted it once).
    const once = JSON.parse(manifest);
    once.host_permissions = [SITE];
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(once));
    let browser = await launchBrowser({ extensionDir: dir, userDataDir: profile, args: ARGS });
    await browser.close();
    writeFileSync(path.join(dir, 'manifest.json'), manifest);
    const fixed = JSON.parse(manifest).content_scripts;
    const expected = fixed.map((c, i) => [`precall-site-${i}`, [SITE], c.run_at, c.all_frames]);

    browser = await launchBrowser({ extensionDir: dir, userDataDir: profile, args: ARGS });
    try {
      // Still granted (now as an optional permission): enabled, listed, the scripts registered
      // as the manifest has them (same files, frames, run_at), and the page gets its overlay.
      assert.deepEqual(await settled(browser, fixed.length), expected);
      const page = await browser.context.newPage();
      await page.goto(url);
      assert.ok((await waitForOverlay(page)).overlay.verdict, 'a verdict on the enabled site');
      const popup = await openPopup(browser);
      await popup.waitForFunction(() => document.querySelectorAll('#sites li').length === 1);
      assert.deepEqual(await listed(popup), [`${HOST} (http)`]);

      // Turned off in the browser's own extension settings (chrome://extensions, site access):
      // unregistered, gone from the popup; after a reload none of our scripts runs.
      assert.equal(await browserSettings(browser, 'removeHostPermission'), 'ok');
      assert.deepEqual(await settled(browser, 0), []);
      await popup.reload();
      await popup.waitForFunction(() => document.querySelectorAll('#sites li').length === 0);
      await page.reload();
      assert.equal(await ourWorlds(page, browser.extensionId), 0);
      assert.deepEqual(await readOverlays(page), []);

      // On again from the browser's own extension settings (chrome://extensions, site access):
      // the service worker registers the scripts, and the tab already open gets the check
      // without a reload.
      assert.equal(await browserSettings(browser, 'addHostPermission'), 'ok');
      assert.deepEqual(await settled(browser, fixed.length), expected);
      await waitForOverlay(page);
      await popup.reload();
      await popup.waitForFunction(() => document.querySelectorAll('#sites li').length === 1);
      await page.reload();
      await waitForOverlay(page);
    } finally {
      await browser.close();
    }

    // The registration persists across a browser restart.
    browser = await launchBrowser({ extensionDir: dir, userDataDir: profile, args: ARGS });
    try {
      assert.deepEqual(await settled(browser, fixed.length), expected);
      const page = await browser.context.newPage();
      await page.goto(url);
      await waitForOverlay(page);
      assert.ok(await ourWorlds(page, browser.extensionId) >= 1, 'the world count sees our scripts');
      // The toolbar button's popup on this tab: this site, on, with "turn off on this site".
      const popup = await realPopup(browser, page);
      await until(popup, `document.getElementById('here-origin').textContent === '${HOST} (http)'`);
      await until(popup, "!document.getElementById('disable').hidden && document.getElementById('enable').hidden");
      assert.equal(await popup("document.querySelectorAll('#sites li').length"), 1);
      // Turned off there: unregistered; after a reload none of our scripts runs.
      await popup("document.getElementById('disable').click()");
      await until(popup, "document.querySelectorAll('#sites li').length === 0 && !document.getElementById('enable').hidden");
      assert.ok(!(await origins(browser)).includes(SITE));
      assert.deepEqual(await settled(browser, 0), []);
      await page.reload();
      assert.equal(await ourWorlds(page, browser.extensionId), 0, 'none of our scripts ran after turning off');
      assert.deepEqual(await readOverlays(page), []);
    } finally {
      await browser.close();
    }
  });
});
