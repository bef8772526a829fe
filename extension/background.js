// Service worker (an ES module). Three jobs, none of them sends anything anywhere:
//  - starts the offscreen engine page when an MIS page's CSP forbids WebAssembly in content
//    scripts (the pages' copies then go to it directly, over a port; the worker relays only a copy
//    no engine page answered),
//    and after the first in-page check (a new page's first check then goes to it, warm);
//  - keeps the extension's own call log in chrome.storage.local, one record per MIS origin and
//    patient, and is its only writer (one write at a time, so two tabs cannot lose an entry).
//    Every decision about the records (versions, migration, what is unreadable and set aside,
//    merging, CSV/JSON) is the core's (`call_log` in the wasm); this file stores and fetches;
//  - the keyboard shortcuts (chrome `commands`): the panel, teach mode, in the current tab.
// A patient check needs the worker only to start the engine page (or relay while it starts):
// the content scripts read their call-log records and write the profiles page's coverage
// themselves, so patient switches do not start an idle worker (Chrome stops it after 30 s).
import init, { call_log as core } from './pkg/precall.js';
import './site_access.js'; // per-site access: the enabled MIS sites' content scripts
import './i18n.js'; // precallI18n: the words of the user's language, for the content scripts' teach mode
import './senders.js'; // precallSenders: who sent a message

const ENGINE = 'extension/engine.html';
const OPTIONS = chrome.runtime.getURL('extension/options.html');
const PREFIX = 'calllog:';
let creating = null;
let ready = null;

/** The wasm core, loaded on first use (a service worker may not await at the top level). */
function loadCore() {
  ready ||= init({ module_or_path: chrome.runtime.getURL('extension/pkg/precall_bg.wasm') });
  return ready;
}

async function callLog(op, args) {
  await loadCore();
  return core(op, args);
}

/** The extension's offscreen documents (the engine page, or none). */
const offscreenDocuments = () => chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] });

/** Starts the engine page unless `contexts` (the offscreen documents just listed) holds it. */
async function startEngine(contexts) {
  // A page another request is creating is listed before it has loaded: wait for it too.
  if (!contexts.length) {
    creating ||= chrome.offscreen.createDocument({
      url: ENGINE,
      reasons: ['DOM_PARSER'],
      justification: 'Reads a copy of the MIS page with the WebAssembly core: when the page forbids WebAssembly in content scripts, and for the first check of a newly loaded page, before the page has compiled its own core.',
    }).finally(() => { creating = null; });
  }
  await creating;
  // The content scripts read this (session storage: gone with the browser, as the page is) to
  // send a new page's first check ahead to the engine page and load their own core after it.
  chrome.storage.session.set({ 'engine:up': true }).catch(() => {});
}
// Content scripts may use session storage (memory only): they read `engine:up`, and write the
// coverage of their last check (`coverage:last`) for the profiles page.
chrome.storage.session.setAccessLevel({ accessLevel: 'TRUSTED_AND_UNTRUSTED_CONTEXTS' }).catch(() => {});

/**
 * A page copy no engine page answered (`precall:check-html` marked `relay`; the content
 * scripts send their copies over a port to the engine page itself): none ran, it was still
 * starting, or it had gone (e.g. its renderer crashed). The worker starts one if needed and
 * relays the copy.
 */
function relayToEngine(message, sendResponse) {
  offscreenDocuments()
    .then(startEngine)
    .then(() => chrome.runtime.sendMessage({
      type: 'precall:engine-check', html: message.html, url: message.url, input: message.input,
    }))
    .then((reply) => reply ?? { failed: 'engine' }, (err) => ({ failed: String(err && err.name) }))
    .then(sendResponse, () => sendResponse({ failed: 'engine' }));
  return true;
}

// ---- The browser policy ----

// A chain's IT pushes settings by policy (chrome.storage.managed). The browser's first read of
// policy storage can take seconds, so it is mirrored into local storage (key `managed`), where
// the content scripts read it together with the user's settings, without waiting.
async function mirrorPolicy() {
  try {
    const policy = await chrome.storage.managed.get(null);
    const { managed } = await chrome.storage.local.get('managed');
    if (JSON.stringify(policy) !== JSON.stringify(managed)) await chrome.storage.local.set({ managed: policy });
  } catch { /* no policy storage */ }
}
mirrorPolicy();
// Only the managed area's changes: a listener for every area would start the worker for each
// write a content script makes (the key probes, the coverage).
chrome.storage.managed.onChanged.addListener(() => { mirrorPolicy(); });

// ---- The call log ----

/** The storage key of a patient's record: the MIS origin and the patient key, unambiguous. */
const keyOf = (origin, patient) => `${PREFIX}${JSON.stringify([origin, patient])}`;

function parseKey(key) {
  try {
    const [origin, patient] = JSON.parse(key.slice(PREFIX.length));
    return typeof origin === 'string' && typeof patient === 'string' ? { origin, patient } : null;
  } catch {
    return null;
  }
}

// One operation on the log at a time.
let queue = Promise.resolve();
function serial(task) {
  const run = queue.then(task, task);
  queue = run.catch(() => {});
  return run;
}

function storageFailure(err) {
  const text = String((err && err.message) || err);
  return /quota/i.test(text) ? { failed: 'quota' } : { failed: 'storage' };
}

/** A record as the core reads it; migrated or set-aside data is written back (best effort). */
async function readRecord(origin, patient) {
  const key = keyOf(origin, patient);
  const stored = (await chrome.storage.local.get(key))[key];
  const out = await callLog('load', { value: stored === undefined ? null : stored, origin, patient });
  if (out.changed) {
    // Nothing is lost if this fails: the original stays as it was.
    try { await chrome.storage.local.set({ [key]: out.log }); } catch { /* storage full */ }
  }
  return out;
}

/** The browser policy's settings (a chain's IT), which the core puts over the user's; none when unmanaged. */
async function managedSettings() {
  try { return await chrome.storage.managed.get(null); } catch { return null; }
}

async function record(origin, patient, recording, config) {
  const key = keyOf(origin, patient);
  const stored = (await chrome.storage.local.get(key))[key];
  const managed = await managedSettings();
  const out = await callLog('record', { value: stored === undefined ? null : stored, origin, patient, recording, config, managed });
  if (out.error) return { failed: 'invalid', message: out.error };
  try {
    await chrome.storage.local.set({ [key]: out.log });
  } catch (err) {
    return storageFailure(err);
  }
  return { ok: true, entry: out.entry };
}

async function allRecords() {
  const everything = await chrome.storage.local.get(null);
  return Object.entries(everything)
    .filter(([key]) => key.startsWith(PREFIX))
    .map(([key, value]) => ({ ...parseKey(key), key, value }))
    .filter((r) => r.origin !== undefined);
}

async function exportLog(format) {
  const records = await allRecords();
  const out = await callLog('export', { records: records.map(({ origin, patient, value }) => ({ origin, patient, value })), format });
  return out.error ? { failed: 'invalid', message: out.error } : { text: out.text, entries: out.entries, unreadable: out.unreadable };
}

async function importLog(text) {
  const parsed = await callLog('parse_import', { text });
  if (parsed.error) return { failed: 'invalid', message: parsed.error };
  const total = { added: 0, updated: 0, duplicates: 0, rejected: parsed.rejected, unreadable_skipped: parsed.unreadable_skipped, patients: 0 };
  for (const group of parsed.groups || []) {
    const key = keyOf(group.origin, group.patient);
    const stored = (await chrome.storage.local.get(key))[key];
    const out = await callLog('merge', { value: stored === undefined ? null : stored, origin: group.origin, patient: group.patient, entries: group.entries });
    if (out.error) { total.rejected.push(out.error); continue; }
    if (out.changed) {
      try {
        await chrome.storage.local.set({ [key]: out.log });
      } catch (err) {
        return { ...total, ...storageFailure(err) };
      }
    }
    total.patients += 1;
    total.added += out.report.added;
    total.updated += out.report.updated;
    total.duplicates += out.report.duplicates;
  }
  return total;
}

async function status() {
  const records = await allRecords();
  let entries = 0;
  let unreadable = 0;
  for (const r of records) {
    const out = await callLog('load', { value: r.value, origin: r.origin, patient: r.patient });
    entries += out.entries;
    unreadable += out.unreadable;
  }
  const bytes = await chrome.storage.local.getBytesInUse(null);
  // With unlimitedStorage the browser's quota does not apply (the disk is the limit).
  const unlimited = await chrome.permissions.contains({ permissions: ['unlimitedStorage'] }).catch(() => false);
  return { patients: records.length, entries, unreadable, bytes, quota: unlimited ? null : chrome.storage.local.QUOTA_BYTES };
}

/** Removes set-aside data (the options page asks for an export first). */
async function clearUnreadable() {
  let cleared = 0;
  for (const r of await allRecords()) {
    const out = await callLog('load', { value: r.value, origin: r.origin, patient: r.patient });
    if (!out.unreadable) continue;
    cleared += out.unreadable;
    await chrome.storage.local.set({ [r.key]: { ...out.log, unreadable: [] } });
  }
  return { cleared };
}

/** The overlay's own words (`overlay_*` in _locales) for a content script whose core could not run. */
async function overlayWords(lang) {
  const code = lang === 'en' ? 'en' : 'ru';
  const all = await (await fetch(chrome.runtime.getURL(`_locales/${code}/messages.json`))).json();
  return Object.fromEntries(Object.entries(all)
    .filter(([k]) => k.startsWith('overlay_')).map(([k, v]) => [k.slice('overlay_'.length), v.message]));
}

function senderOrigin(sender) {
  try { return sender.origin || new URL(sender.url).origin; } catch { return null; }
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (!message || sender.id !== chrome.runtime.id) return;
  const fromPage = precallSenders.fromMisPage(sender); // eslint-disable-line no-undef
  const fromOptions = typeof sender.url === 'string' && sender.url.startsWith(OPTIONS);
  let task = null;
  // Our content scripts (a tab with an MIS page): the origin is the sender's, never the message's.
  if (fromPage) {
    const origin = senderOrigin(sender);
    const patient = typeof message.patient === 'string' && message.patient ? message.patient : null;
    switch (message.type) {
      case 'precall:check-html':
        // A copy sent `ahead` is only for an engine page already running (content.js `aheadCore`).
        return message.relay && !message.ahead ? relayToEngine(message, sendResponse) : undefined;
      case 'precall:engine-start':
        // A page checked in-page because no engine page ran: the pages that follow get one.
        offscreenDocuments().then(startEngine).catch(() => {});
        return;
      case 'precall:log-read':
        if (!origin || !patient) return;
        task = () => serial(() => readRecord(origin, patient)).then((out) => ({ value: out.log, entries: out.entries, unreadable: out.unreadable }));
        break;
      case 'precall:log-record':
        if (!origin || !patient) return;
        task = () => serial(() => record(origin, patient, message.recording, message.config));
        break;
      case 'precall:teach-words':
        // Teach mode's words in the user's language (settings, else the browser's), as
        // _locales has them (chrome.i18n in a content script knows only the browser's).
        task = () => precallI18n.load().then(() => ({ lang: precallI18n.lang, words: precallI18n.subset('teach_') }));
        break;
      case 'precall:open-options':
        task = () => chrome.runtime.openOptionsPage().then(() => ({ ok: true }));
        break;
      case 'precall:words':
        task = () => overlayWords(message.lang);
        break;
      default:
        return;
    }
  } else if (fromOptions) {
    switch (message.type) {
      case 'precall:log-export': task = () => serial(() => exportLog(message.format)); break;
      case 'precall:log-import': task = () => serial(() => importLog(String(message.text || ''))); break;
      case 'precall:log-status': task = () => serial(status); break;
      case 'precall:log-clear-unreadable': task = () => serial(clearUnreadable); break;
      default: return;
    }
  } else {
    return;
  }
  task().then(sendResponse, (err) => sendResponse({ ...storageFailure(err), message: String(err && err.name) }));
  return true;
});

// ---- The keyboard shortcut ----

async function onCommand(command) {
  const type = { 'open-panel': 'precall:open-panel', 'teach-mode': 'precall:teach' }[command];
  if (!type) return false;
  const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
  if (!tab || tab.id === undefined) return false;
  try {
    await chrome.tabs.sendMessage(tab.id, { type });
    return true;
  } catch {
    return false; // not an MIS page: no content script there
  }
}

chrome.commands.onCommand.addListener((command) => { onCommand(command); });
// The end-to-end tests call this directly: headless Chromium has no keyboard shortcuts.
globalThis.precallCommand = onCommand;
