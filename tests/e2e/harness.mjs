// Shared by the end-to-end tests and `make demo`: start the demo MIS, launch Debian's
// Chromium with the unpacked extension, and read the overlay out of its closed shadow root
// (a CDP DOM snapshot with pierce: true sees it; page scripts cannot).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { targetSession } from '../../scripts/bench/cdp.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
/** The fixed test clock: a Monday 10:00 in Moscow; the demo data is resolved against its date. */
export const TEST_TODAY = '2026-11-23';
export const TEST_CLOCK = '2026-11-23T10:00:00+03:00';

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts the demo MIS on a free port; resolves when /healthz answers. */
export async function startDemoMis({ today = TEST_TODAY, port, csp = true } = {}) {
  port = port || (await freePort());
  const env = { ...process.env, PORT: String(port), DEMO_CSP: csp ? 'on' : 'off' };
  if (today) env.DEMO_TODAY = today;
  const child = spawn(process.execPath, [path.join(ROOT, 'demo/mis/server.js'), '--port', String(port)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`demo MIS exited: ${stderr}`);
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) break;
    } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error(`demo MIS did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { base, port, stop: () => child.kill() };
}

/**
 * Launches Chromium with the unpacked extension in a fresh profile. `extensionDir: null`
 * launches without it (a baseline); `extraExtensions` are loaded beside it; `args` are added.
 */
export async function launchBrowser({
  extensionDir = ROOT, headless = true, userDataDir, dialOrigins = [], extraExtensions = [], args = [], lang = 'ru',
} = {}) {
  const dir = userDataDir || mkdtempSync(path.join(tmpdir(), 'precall-profile-'));
  const extensions = [extensionDir, ...extraExtensions].filter(Boolean).join(',');
  // Dial links (tel:, sms:, ...) from these origins go straight to the OS handler, which here is
  // a no-op xdg-open: otherwise Chromium asks "Open xdg-open?" in a prompt that takes the tab's
  // input. Tests see the navigation itself through CDP (watchNavigations).
  const prefs = path.join(dir, 'Default', 'Preferences');
  if (dialOrigins.length && !existsSync(prefs)) {
    mkdirSync(path.dirname(prefs), { recursive: true });
    const schemes = Object.fromEntries(['tel', 'callto', 'sip', 'sms', 'whatsapp', 'tg', 'viber'].map((s) => [s, true]));
    const pairs = Object.fromEntries(dialOrigins.map((o) => [o, schemes]));
    writeFileSync(prefs, JSON.stringify({ protocol_handler: { allowed_origin_protocol_pairs: pairs } }));
  }
  const bin = mkdtempSync(path.join(tmpdir(), 'precall-bin-'));
  writeFileSync(path.join(bin, 'xdg-open'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  let context = null;
  let lockDir = null;
  /** Removes what this launch made (Chromium's lock directory too: a killed browser leaves it). */
  const cleanUp = () => {
    if (!userDataDir) rmSync(dir, { recursive: true, force: true });
    rmSync(bin, { recursive: true, force: true });
    if (lockDir) rmSync(lockDir, { recursive: true, force: true });
  };
  try {
    context = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM,
      headless,
      // The browser's language (what the extension follows when the user chose none): on Linux
      // Chromium takes it from LANGUAGE, elsewhere from --lang.
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, LANGUAGE: lang, LC_ALL: lang === 'ru' ? 'ru_RU.UTF-8' : 'en_US.UTF-8' },
      locale: lang,
      viewport: { width: 1280, height: 900 },
      args: [
        '--no-sandbox',
        ...(extensions ? [`--disable-extensions-except=${extensions}`, `--load-extension=${extensions}`] : []),
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        `--lang=${lang}`,
        ...args,
      ],
    });
    // Chromium's lock socket lives in a directory of its own under /tmp, which it removes when
    // it exits, not when it is killed (tests kill it on purpose).
    try {
      const socket = readlinkSync(path.join(dir, 'SingletonSocket'));
      if (path.basename(path.dirname(socket)).startsWith('org.chromium.Chromium.')) lockDir = path.dirname(socket);
    } catch { /* no lock socket: nothing to remove */ }
    const ours = (w) => w.url().endsWith('/extension/background.js');
    let worker = extensionDir ? context.serviceWorkers().find(ours) : null;
    if (extensionDir && !worker) worker = await context.waitForEvent('serviceworker', { predicate: ours, timeout: 15000 });
    const extensionId = worker ? new URL(worker.url()).host : null;
    return {
      context,
      worker,
      extensionId,
      /** Closes the browser (also one that was killed) and removes what this launch made. */
      async close() {
        try {
          await context.close();
        } finally {
          cleanUp();
        }
      },
    };
  } catch (err) {
    // A launch that failed halfway leaves no browser running and nothing behind.
    if (context) await context.close().catch(() => {});
    cleanUp();
    throw err;
  }
}

export const MIS_CSP = "default-src 'self'; script-src 'self'";

/**
 * A small server for generated test pages (hostile, huge): `pages` maps a path to HTML (or a
 * function giving it); /static/* are the demo MIS's files; every request is logged (`log`), so
 * a test sees any request a page or the extension makes. `csp` sends the demo MIS's policy.
 */
export async function startPageServer({ csp = false } = {}) {
  const pages = new Map();
  const log = [];
  const server = http.createServer((req, res) => {
    log.push(`${req.method} ${req.url}`);
    const headers = { 'Cache-Control': 'no-store', ...(csp ? { 'Content-Security-Policy': MIS_CSP } : {}) };
    const route = req.url.split('?')[0];
    if (route.endsWith('.js') && pages.has(route)) {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' });
      return res.end(pages.get(route));
    }
    if (route.startsWith('/static/') && /^[\w.-]+\.(css|js|svg)$/.test(route.slice(8))) {
      try {
        const body = readFileSync(path.join(ROOT, 'demo/mis/static', route.slice(8)));
        const type = route.endsWith('.css') ? 'text/css' : route.endsWith('.js') ? 'text/javascript' : 'image/svg+xml';
        res.writeHead(200, { ...headers, 'Content-Type': type });
        return res.end(body);
      } catch { /* 404 below */ }
    }
    const page = pages.get(route);
    if (page === undefined) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
      return res.end('not found');
    }
    res.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8' });
    res.end(typeof page === 'function' ? page() : page);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { base, pages, log, stop: () => new Promise((r) => server.close(r)) };
}

/**
 * How many offscreen engine pages the extension has open: 0 until a page needs one (a
 * strict-CSP page, or the first page checked in the content script: the pages after it go
 * ahead to the engine page).
 */
export async function engineCount(worker) {
  return worker.evaluate(async () => (await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] })).length);
}

/**
 * Waits until the extension has `n` engine pages open (the worker starts one asynchronously)
 * and, for one, until it answers (its core loaded): the worker asks it as it relays a copy.
 */
export async function waitForEngines(worker, n, timeout = 15000) {
  const until = Date.now() + timeout;
  const answers = () => worker.evaluate(() => chrome.runtime.sendMessage({
    type: 'precall:engine-check', html: '<!doctype html><title>ping</title>', url: 'http://127.0.0.1/ping', input: {},
  }).then((reply) => !!reply && !reply.failed, () => false));
  while ((await engineCount(worker)) !== n || (n > 0 && !(await answers()))) {
    if (Date.now() > until) throw new Error(`expected ${n} answering engine page(s), found ${await engineCount(worker)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Evaluates `expression` in the engine page (undefined when none runs), through CDP: a page's
 * session attaches to the offscreen document's target (the bench's `targetSession`).
 */
export async function inEngine(context, expression) {
  const page = context.pages()[0] || (await context.newPage());
  const engine = await targetSession(page, '/extension/engine.html');
  if (!engine) return undefined;
  try {
    const r = await engine.send('Runtime.evaluate', { expression, returnByValue: true });
    if (r.exceptionDetails) throw new Error(`in the engine page: ${JSON.stringify(r.exceptionDetails)}`);
    return r.result.value;
  } finally {
    await engine.detach();
  }
}

/**
 * Counts the page copies our content scripts send to the engine page (`ahead`: a new page's
 * first check; `plain`: the engine path's checks), and their requests to start it. The copies
 * go over ports to the engine page, which counts what it answered (`served`, read through
 * CDP); copies no engine page answered go to the worker (`relay`), and so do the requests to
 * start one: a listener there that answers nothing sees them without changing who answers.
 * Returns a function that reads the counts since this call (the engine page's counts are its
 * own: one that was replaced starts again at zero).
 */
export async function countEngineMessages(browser) {
  const served = async () => (await inEngine(browser.context, 'served')) || { ahead: 0, plain: 0 };
  const base = await served();
  await browser.worker.evaluate(() => {
    if (globalThis.__engineMessages) return;
    globalThis.__engineMessages = { relayed: 0, start: 0 };
    chrome.runtime.onMessage.addListener((m) => {
      if (!m) return;
      if (m.type === 'precall:check-html') globalThis.__engineMessages.relayed += 1;
      if (m.type === 'precall:engine-start') globalThis.__engineMessages.start += 1;
    });
  });
  const before = await browser.worker.evaluate(() => ({ ...globalThis.__engineMessages }));
  return async () => {
    const now = await served();
    const worker = await browser.worker.evaluate(() => ({ ...globalThis.__engineMessages }));
    return {
      ahead: now.ahead - base.ahead,
      plain: now.plain - base.plain + worker.relayed - before.relayed,
      start: worker.start - before.start,
    };
  };
}

/** Writes the extension's settings (as the options page would). */
export async function setSettings(worker, settings) {
  await worker.evaluate((s) => chrome.storage.local.set({ settings: s }), settings);
}

function attr(node, name) {
  const a = node.attributes || [];
  for (let i = 0; i < a.length; i += 2) if (a[i] === name) return a[i + 1];
  return undefined;
}

function textOf(node) {
  if (node.nodeType === 3) return node.nodeValue;
  return (node.children || []).map(textOf).join('');
}

function* walk(node) {
  yield node;
  for (const c of node.children || []) yield* walk(c);
  // Not the browser's own shadow trees (<details>, form controls): only author content.
  for (const s of node.shadowRoots || []) if (s.shadowRootType !== 'user-agent') yield* walk(s);
  if (node.contentDocument) yield* walk(node.contentDocument);
}

/** All overlays on the page (there must never be more than one), read through CDP. */
export async function readOverlays(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    // Only the overlay hosts' subtrees (with their closed shadow roots): cheap on huge pages.
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector: 'precall-overlay' });
    const hosts = [];
    for (const nodeId of nodeIds) hosts.push((await cdp.send('DOM.describeNode', { nodeId, depth: -1, pierce: true })).node);
    if (!hosts.length) {
      // None in the top document: an overlay may be inside a frame (an iframe-embedded card),
      // which a query does not cross; walk the whole tree, frames included.
      // (A page nested deeper than CDP can serialise has no frames to look into.)
      const full = await cdp.send('DOM.getDocument', { depth: -1, pierce: true }).catch(() => null);
      if (full) hosts.push(...[...walk(full.root)].filter((n) => n.nodeName === 'PRECALL-OVERLAY'));
    }
    return hosts.map((host) => parseOverlay(host));
  } finally {
    await cdp.detach();
  }
}

function parseOverlay(host) {
  const shadow = (host.shadowRoots || [])[0];
  const result = {
    shadowMode: shadow && shadow.shadowRootType,
    corner: attr(host, 'data-corner'),
    verdict: null,
    title: null,
    who: null,
    subtitle: null,
    preferences: null,
    groups: {},
    text: shadow ? textOf(shadow) : '',
    elementNames: [],
    links: [],
    script: [],
    drafts: [],
  };
  if (!shadow) return result;
  for (const n of walk(shadow)) {
    if (n.nodeType !== 1) continue;
    result.elementNames.push(n.nodeName.toLowerCase());
    if (n.nodeName === 'A') result.links.push(attr(n, 'href') || '');
    if (attr(n, 'data-verdict')) result.verdict = attr(n, 'data-verdict');
    if (attr(n, 'data-testid') === 'verdict') result.title = textOf(n);
    if (attr(n, 'data-testid') === 'preferences') result.preferences = textOf(n);
    if (attr(n, 'data-testid') === 'who') result.who = textOf(n);
    if (attr(n, 'class') === 'reading') result.reading = textOf(n);
    if (attr(n, 'data-part')) result.script.push({ part: attr(n, 'data-part'), text: textOf(n) });
    if (attr(n, 'data-channel')) result.drafts.push({ channel: attr(n, 'data-channel'), text: textOf(n) });
    if (attr(n, 'data-testid') === 'copy-script') result.copyScript = n.backendNodeId;
    if (attr(n, 'class') === 'uncertain') result.uncertain = true;
    if (attr(n, 'data-testid') === 'message') result.message = textOf(n);
    if (attr(n, 'class') === 'subtitle') result.subtitle = textOf(n);
    const group = attr(n, 'data-group');
    if (group) {
      result.groups[group] = (n.children || [])
        .filter((c) => c.nodeName === 'UL')
        .flatMap((ul) => (ul.children || []).map((li) => ({ text: textOf(li), source: attr(li, 'data-source') })));
    }
  }
  return result;
}

/** Clicks an element inside the overlay's closed shadow root (by its CDP backend node id). */
export async function clickInOverlay(page, backendNodeId) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    await cdp.send('DOM.scrollIntoViewIfNeeded', { backendNodeId });
    const { model } = await cdp.send('DOM.getBoxModel', { backendNodeId });
    const [x1, y1, , , x3, y3] = model.content;
    await page.mouse.click((x1 + x3) / 2, (y1 + y3) / 2);
  } finally {
    await cdp.detach();
  }
}

/** Polls until exactly one overlay satisfies `accept` (default: any panel with a verdict). */
export async function waitForOverlay(page, accept = (o) => o.verdict, { timeout = 10000 } = {}) {
  const deadline = Date.now() + timeout;
  let last = [];
  for (;;) {
    last = await readOverlays(page);
    const hit = last.find(accept);
    if (hit) return { overlay: hit, all: last };
    if (Date.now() > deadline) {
      throw new Error(`no matching overlay within ${timeout} ms; saw ${JSON.stringify(last).slice(0, 2000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The rule ids and reason kinds an overlay shows. */
export function sources(overlay, group) {
  return (overlay.groups[group] || []).map((i) => i.source).filter(Boolean);
}

/** The resolved demo patients (the data file, dates fixed to `today`). */
export async function demoPatients(today = TEST_TODAY) {
  const data = await import(path.join(ROOT, 'demo/mis/data.js'));
  const load = data.loadPatients || (data.default && data.default.loadPatients);
  return load(today ? { today } : {});
}

// ---- The dial guard (issue 6) ----

/** The dial dialog (or outcome form) in its closed shadow root, read through CDP; null if none. */
export async function readDialog(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const host = [...walk(root)].find((n) => n.nodeName === 'PRECALL-DIALOG');
    if (!host) return null;
    const shadow = (host.shadowRoots || [])[0];
    const out = { shadowMode: shadow && shadow.shadowRootType, text: shadow ? textOf(shadow) : '', groups: {}, testids: {} };
    for (const n of walk(shadow || host)) {
      if (n.nodeType !== 1) continue;
      if (attr(n, 'role') === 'dialog') {
        out.state = attr(n, 'data-state');
        out.blocked = attr(n, 'data-blocked') === 'true';
        out.verdict = attr(n, 'data-verdict');
        out.saved = attr(n, 'data-saved') === 'true';
      }
      const id = attr(n, 'data-testid');
      if (id) out.testids[id] = { text: textOf(n), disabled: attr(n, 'disabled') !== undefined, pressed: attr(n, 'aria-pressed') };
      const group = attr(n, 'data-group');
      if (group && group !== 'script') {
        out.groups[group] = (n.children || []).filter((c) => c.nodeName === 'UL')
          .flatMap((ul) => (ul.children || []).map((li) => ({ text: textOf(li), source: attr(li, 'data-source') })));
      }
    }
    out.title = out.testids['dial-title'] && out.testids['dial-title'].text;
    return out;
  } finally {
    await cdp.detach();
  }
}

/** Waits for the dialog to satisfy `accept`. */
export async function waitForDialog(page, accept = (d) => d && d.state && d.state !== 'checking', { timeout = 10000 } = {}) {
  const deadline = Date.now() + timeout;
  let last = null;
  for (;;) {
    last = await readDialog(page);
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`no matching dialog within ${timeout} ms; saw ${JSON.stringify(last).slice(0, 1500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A real (trusted) mouse click on an element with this data-testid inside our closed shadow roots. */
export async function clickTestId(page, testid, host = 'PRECALL-DIALOG') {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const h = [...walk(root)].find((n) => n.nodeName === host);
    const node = h && [...walk(h)].find((n) => n.nodeType === 1 && attr(n, 'data-testid') === testid);
    if (!node) throw new Error(`no element [data-testid=${testid}] in ${host}`);
    await cdp.send('DOM.scrollIntoViewIfNeeded', { backendNodeId: node.backendNodeId });
    const { model } = await cdp.send('DOM.getBoxModel', { backendNodeId: node.backendNodeId });
    const [x1, y1, , , x3, y3] = model.content;
    await page.mouse.move((x1 + x3) / 2, (y1 + y3) / 2);
    await page.mouse.click((x1 + x3) / 2, (y1 + y3) / 2, { delay: 20 });
  } finally {
    await cdp.detach();
  }
}

/** Records every navigation the page asks for (tel:, sms:, https:...), even the ones the browser hands to the OS. */
export async function watchNavigations(page) {
  const urls = [];
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.enable');
  cdp.on('Page.frameRequestedNavigation', (e) => urls.push(e.url));
  return urls;
}

/** The extension's stored call-log records: { key: record }. */
export async function storedLog(worker) {
  return worker.evaluate(async () => {
    const all = await chrome.storage.local.get(null);
    return Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith('calllog:')));
  });
}

/** The storage key of a patient's record (as the service worker writes it). */
export const logKey = (origin, patient) => `calllog:${JSON.stringify([origin, patient])}`;

/** Stops the extension's service worker, as Chrome does when it is idle. */
export async function stopServiceWorker(browser) {
  const admin = await browser.context.newPage();
  await admin.goto('chrome://serviceworker-internals/');
  await admin.getByRole('button', { name: 'Stop' }).first().click();
  await admin.waitForFunction(() => /Running Status: STOPPED/.test(document.body.innerText));
  await admin.close();
}

/** The unanswered attempts the overlay's context line counts (0 when it shows none). */
export function attemptsShown(overlay) {
  const line = (overlay.groups.context || []).find((i) => i.source === 'attempts');
  return line ? Number(/(\d+)\s*$/.exec(line.text)[1]) : 0;
}
