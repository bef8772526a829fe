// Content script (isolated world). Thin on purpose: load the core, hand it the settings and
// the time, draw what it returns, and re-check when an SPA switches patients. All logic
// lives in Rust. It must never break the MIS: every failure ends in a plain message.
//
// Two ways to run the core:
//  - in this content script (WebAssembly), reading the live page: the fast path;
//  - in the extension's offscreen engine page, reading a copy of the page, where the MIS
//    sends a Content-Security-Policy that forbids compiling WebAssembly here (Chrome applies
//    the page's policy to content scripts' WebAssembly).
(() => {
  'use strict';
  const url = (path) => chrome.runtime.getURL(path);
  const QUIET_MS = 120;   // let an SPA re-render settle before reading the page
  const COPY_DEPTH = 500; // Chromium's HTML parser flattens deeper nesting: a copy would read wrong
  let core = null;        // { check(input) -> Promise<result>, key() -> Promise<key>, state: () -> string|null|undefined (undefined: no cheap probe) }
  let settings = { config: null, clock: null };
  let managed = null;     // the browser policy's settings (a chain's IT): the core puts them over the user's
  let lastKey;            // the patient key the overlay was drawn for
  let lastState = null;   // which patient, and a fingerprint of the sections read, when last checked
  let lastPanel = '';     // what is drawn, so an unchanged re-check does not redraw
  let lastResult = null;  // the last check of a patient page (dial words, buttons, purpose)
  let timer = 0;
  let probeTimer = 0;
  let running = false;
  let again = false;      // a re-check was asked for while one ran
  let dialling = false;   // a dial dialog is open or being prepared
  const NOT_PATIENT = Symbol('not a patient page');
  const RELATED_TTL_MS = 30000;
  const relatedCache = new Map(); // path + body -> { at, reply }: a re-check does not re-read
  const PROBE_MAX_MS = 1000;
  let probeDelay = QUIET_MS;      // grows while the page churns with nothing relevant
  let loads = 0;          // wasm cores loaded in this tab: a trap leaves one unusable, so a fresh one is loaded
  const MAX_LOADS = 5;    // each leaves its module behind (wasm-bindgen glue cannot be unloaded)
  let probes = null;      // the profile's patient-key selectors (`key_probe`) from the last check
  let lastProbeKey;       // what they read then
  let stateProbe = null;  // the sections' root selectors (`state_probe`), for the engine path
  // Where this MIS shows the patient key (the profile's selectors, no patient data), saved by
  // the last check on this origin: a new page reads its patient's log record while the core
  // is still loading, instead of asking the core for the key first.
  const PROBES_KEY = `keyprobe:${location.origin}`;
  let savedProbes = null; // JSON of what storage holds under PROBES_KEY
  let early = null;       // { key, log }: the log read started before the core was ready
  const COVERAGE_KEY = 'coverage:last'; // session storage: what the last check read, for the profiles page

  // Benchmark marks (issue 9, `make bench`): the overlay is in the DOM ("drawn"), and the
  // first frame after it has been rendered ("painted"). The page's Performance timeline is
  // shared with this isolated world; only the latest of each is kept; no patient data.
  function markDrawn() {
    performance.clearMarks('precall:overlay-drawn');
    performance.mark('precall:overlay-drawn');
    requestAnimationFrame(() => setTimeout(() => {
      performance.clearMarks('precall:overlay-painted');
      performance.mark('precall:overlay-painted');
    }, 0));
  }

  /** One config field in force: the policy's, else the user's. */
  const cfg = (k) => (managed && managed.config && managed.config[k]) ?? (settings.config && settings.config[k]);
  let coreWords = null;   // the overlay's words the core last sent (from _locales, in the chosen language)
  let draws = 0;          // counts draws, so a message waiting for its words does not cover a newer panel

  /** The language: the user's choice (settings.config.locale), else the browser's (ru for Russian, en otherwise). */
  function lang() {
    const chosen = cfg('locale');
    if (chosen === 'ru' || chosen === 'en') return chosen;
    return (chrome.i18n.getUILanguage() || '').toLowerCase().startsWith('ru') ? 'ru' : 'en';
  }

  /** The settings' config with the language filled in when the user chose none (both core paths get it). */
  function config() {
    const c = settings.config;
    if (c == null) return { locale: lang() };
    if (typeof c !== 'object' || Array.isArray(c) || c.locale) return c; // the core reports what it cannot take
    return { ...c, locale: lang() };
  }

  /** A plain message (`load_failed`, `check_failed`, `too_large`, or text) in place of the panel. */
  async function say(key, text) {
    const seq = ++draws;
    let w = coreWords && coreWords.lang === lang() ? coreWords : null;
    if (!w) {
      // No core to ask (it did not load, or trapped before answering): the service worker reads _locales.
      try { w = await chrome.runtime.sendMessage({ type: 'precall:words', lang: lang() }); } catch { w = null; }
      if (!w || w.failed) {
        w = Object.fromEntries(['brand', 'collapse', 'expand', 'move_corner', 'message_title', key]
          .map((k) => [k, chrome.i18n.getMessage(`overlay_${k}`)]));
      }
    }
    if (seq === draws) precallOverlay.message(text || w[key], w);
  }
  // Teach mode's words (_locales, the user's language), from the service worker when teach
  // mode first opens: asked on every page, they cost the worker a message and a read of
  // _locales per page (and a start, if it slept) for a mode the administrator rarely opens.
  let teachWords = {};
  async function loadTeachWords() {
    try { teachWords = (await chrome.runtime.sendMessage({ type: 'precall:teach-words' })).words || {}; } catch { /* no Teach button */ }
  }

  function now() {
    // A trainer's demo clock from settings, else the real time.
    const fixed = settings.clock && Date.parse(settings.clock);
    return Number.isFinite(fixed) ? fixed : Date.now();
  }

  /**
   * The patient key as the core reads it from the probe's text (whitespace collapsed,
   * trimmed; a dash is no key), for plain keys only: anything unusual is left to the core
   * (undefined). A wrong guess costs a second read, never a wrong log: the check says
   * which patient it read, and a different one is checked again with its own record.
   */
  function plainKey(raw) {
    if (typeof raw !== 'string') return undefined;
    const text = raw.replace(/[ \t\n\r\f\u00a0]+/g, ' ').trim();
    return /^[\p{L}\p{N}][\p{L}\p{N} _.:\/#№+-]*$/u.test(text) && text.length <= 200 ? text : undefined;
  }

  /** The patient key the saved probes read on the page now, or undefined. */
  function probedKey() {
    try { return plainKey(probeKey()); } catch { return undefined; }
  }

  /** Saves the probes a check returned, for the next page of this MIS (only when they change). */
  function saveProbes(result) {
    if (result.status !== 'ok') return;
    const json = JSON.stringify(result.key_probe || null);
    if (json === savedProbes) return;
    savedProbes = json;
    const done = result.key_probe ? chrome.storage.local.set({ [PROBES_KEY]: result.key_probe })
      : chrome.storage.local.remove(PROBES_KEY);
    done.catch(() => { /* storage full or gone: the next page asks the core */ });
  }

  /** Whether elements are nested deeper than `limit` under `root` (no recursion). */
  function deeper(root, limit) {
    let node = root;
    let depth = 0;
    for (;;) {
      if (node.firstElementChild) {
        node = node.firstElementChild;
        if (++depth > limit) return true;
        continue;
      }
      while (node !== root && !node.nextElementSibling) { node = node.parentElement; depth -= 1; }
      if (node === root) return false;
      node = node.nextElementSibling;
    }
  }

  // A copy of the page for the engine: form values (kept by MIS forms only in DOM properties)
  // are written into attributes; scripts and our own overlay are left out. A page nested
  // deeper than the HTML parser keeps is not copied: the copy would not read like the page.
  function pageCopy() {
    const live = document.documentElement;
    if (deeper(live, COPY_DEPTH)) throw Object.assign(new Error('depth'), { stage: 'too_large' });
    const clone = live.cloneNode(true);
    const from = live.querySelectorAll('input, textarea, select');
    const to = clone.querySelectorAll('input, textarea, select');
    from.forEach((el, i) => {
      const c = to[i];
      if (!c) return;
      if (el.tagName === 'SELECT') {
        Array.from(el.options).forEach((o, j) => c.options[j] && c.options[j].toggleAttribute('selected', o.selected));
      } else if (el.type === 'checkbox' || el.type === 'radio') {
        c.toggleAttribute('checked', el.checked);
      } else if (el.tagName === 'TEXTAREA') {
        c.textContent = el.value;
      } else {
        c.setAttribute('value', el.value);
      }
    });
    clone.querySelectorAll('script, noscript, precall-overlay, precall-dialog, precall-fallback, precall-teach').forEach((n) => n.remove());
    return `<!doctype html>${clone.outerHTML}`;
  }

  // One copy of the page per check on the engine path: the key read and the check (and a
  // check again with related replies) read the same copy, and the MIS's main thread pays for
  // one clone and serialisation, not two (3.6 MB twice on the heavy card).
  let checkCopy = null;
  function copyForThisCheck() {
    if (checkCopy === null) checkCopy = pageCopy();
    return checkCopy;
  }

  async function loadCore() {
    // The first core: the classic glue (`wasm_bindgen`, extension/pkg/page_classic.js, the page core) is
    // injected before this script, so the .wasm is fetched and compiled at document_start.
    // wasm-bindgen's glue instantiates once per copy: after a trap only a fresh copy of the
    // ES-module glue (a new URL, ?v=N) gives a working core. A page's CSP that forbids
    // WebAssembly makes either a CompileError. On a site the user enabled (not a built-in
    // origin) the core's files are not web-accessible (so web pages cannot probe for the
    // extension): the fetch or the import fails, and the engine page runs the core instead.
    const fresh = loads > 0;
    const glue = fresh
      ? await import(url('extension/pkg/page.js') + `?v=${loads}`).catch(() => null)
      : wasm_bindgen; // eslint-disable-line no-undef
    if (glue) {
      const init = fresh ? glue.default : glue;
      loads += 1;
      try {
        await init({ module_or_path: url('extension/pkg/page_bg.wasm') });
        // Two calls, two tasks: the page's own work can run between reading and judging. The
        // core keeps one read until it is judged, so checks (the page's, a dial's, teach
        // mode's) take turns: another one started during the yield would replace that read.
        // The call-log record (`call_log`, may be a promise) is only judged: its storage read
        // goes on while the page is read.
        let turn = Promise.resolve();
        const checkInTwoTasks = async ({ call_log: log, ...input }) => {
          const read = JSON.parse(glue.read_page(JSON.stringify(input)));
          if (read.status !== 'read') return read;
          await yieldToPage();
          return JSON.parse(glue.judge_read(JSON.stringify((await log) ?? null)));
        };
        return {
          inPage: true,
          check: (input) => {
            const done = turn.then(() => checkInTwoTasks(input));
            turn = done.catch(() => {});
            return done;
          },
          key: async () => glue.current_patient_key(),
          state: () => glue.current_state() ?? null,
        };
      } catch (err) {
        if (!err || (err.name !== 'CompileError' && !(err instanceof TypeError))) throw err;
      }
    }
    // The page's CSP forbids WebAssembly here (or the import failed): the engine page reads a copy.
    return engineCore(false);
  }

  // The copies go to the engine page over one port per page, not as runtime messages: a
  // runtime message reaches every extension context, the service worker too (it is started if
  // it was asleep), and each opens a channel of its own. A port reaches only the engine page
  // (the one listener for connections), and stays open for the page's next checks. No engine
  // page to connect to, or it went away: no answer (undefined), and the caller asks the worker.
  const ENGINE_PORT = 'precall:check'; // the engine page's port (engine.js)
  let enginePort = null;
  function askEngine(message) {
    if (!enginePort) {
      let port;
      try { port = chrome.runtime.connect({ name: ENGINE_PORT }); } catch { return Promise.resolve(undefined); }
      const waiting = new Map(); // message id -> resolve
      let ids = 0;
      port.onMessage.addListener((m) => {
        const done = m && waiting.get(m.id);
        if (done) { waiting.delete(m.id); done(m.reply); }
      });
      port.onDisconnect.addListener(() => {
        void chrome.runtime.lastError; // "no receiving end" is the expected case
        if (enginePort && enginePort.port === port) enginePort = null;
        for (const done of waiting.values()) done(undefined);
        waiting.clear();
      });
      enginePort = {
        port,
        ask: (m) => new Promise((resolve) => {
          const id = ++ids;
          waiting.set(id, resolve);
          try { port.postMessage({ ...m, id }); } catch { waiting.delete(id); resolve(undefined); }
        }),
      };
    }
    return enginePort.ask(message);
  }

  // The core in the extension's engine page, reading a copy of this page, sent over the port
  // (`askEngine`). No answer (no engine page yet, it was starting, or it was gone): the worker
  // is asked to relay the copy (it starts the page if needed). `ahead` (a new page's first
  // check, `aheadCore`): no relay and nothing started on this check's behalf; no answer is an
  // error, and the in-page core checks instead.
  // The copy is taken first: the record's storage read goes on meanwhile.
  function engineCore(ahead) {
    const engine = async ({ call_log: log, ...rest }) => {
      const html = copyForThisCheck();
      const message = { type: 'precall:check-html', html, url: location.href, ahead, input: { ...rest, call_log: (await log) ?? null } };
      const relay = () => chrome.runtime.sendMessage({ ...message, relay: true }).catch(() => undefined);
      const reply = (await askEngine(message)) ?? (ahead ? undefined : await relay());
      if (!reply || reply.failed) throw Object.assign(new Error('engine'), { stage: reply ? reply.failed : 'no_engine' });
      return reply;
    };
    return {
      check: engine,
      // The profile and the patient, without reading the card (NOT_PATIENT: no profile matched).
      key: async () => {
        const reply = await engine({ key_only: true });
        return reply.status === 'not_patient_page' ? NOT_PATIENT : reply.patient_key;
      },
      // The core is not here: the patient key and the text of the sections' roots, read
      // with the selectors the last check returned (undefined: no such probe, re-check after
      // the page settles). Unrelated churn then costs a few querySelector calls, not a copy.
      // Hashed (dom_read.js `textHash`, as the in-page core hashes each section's text), so
      // a heavy card's text is not kept in memory between probes.
      state: () => {
        if (!probes || !stateProbe) return undefined;
        try {
          const hashes = stateProbe.map((roots) => {
            const node = roots.reduce((found, css) => found || document.querySelector(css), null);
            return node ? precallDom.textHash(node, 262144) : '-'; // eslint-disable-line no-undef
          });
          return `${probeKey()}\u0001${hashes.join(':')}`;
        } catch {
          return undefined; // a selector this browser does not take: re-check instead
        }
      },
    };
  }

  // A new page's first check. The page's own core is a new instance: on a typical card it is
  // ready ~40 ms after DOMContentLoaded, and its first check then compiles the code it calls
  // (~40 ms more, even when it was ready early). The engine page, when it runs, has a warm
  // core and answers a copy of a small page in ~10 ms. Only when the worker has noted the
  // engine page as started (`engineUp`; else the page's own core checks, and the worker is
  // asked to start one for the pages that follow), only in the top frame, and only for a
  // small page: a large page's copy costs the MIS's main thread more than the engine saves.
  // No answer there (the engine page was gone) or any failure: the in-page core checks.
  const AHEAD_MAX_ELEMENTS = 5000;
  const AHEAD_FRAME_MS = 200;
  const ENGINE_UP = 'engine:up'; // session storage: the worker has started the engine page
  /** Whether this page is small enough for its copy to go ahead. */
  const smallPage = () => document.getElementsByTagName('*').length <= AHEAD_MAX_ELEMENTS;
  /** Asks the worker to start the engine page (none answered, or none was noted). */
  const askForEngine = () => chrome.runtime.sendMessage({ type: 'precall:engine-start' }).catch(() => {});
  /** Runs `task` once the next frame is painted and the page is idle (within a second). */
  function afterPaint(task) {
    const idle = typeof requestIdleCallback === 'function' ? (f) => requestIdleCallback(f, { timeout: 1000 }) : (f) => setTimeout(f, 50);
    requestAnimationFrame(() => setTimeout(() => idle(task), 0));
  }

  function aheadCore() {
    const engine = engineCore(true);
    // Once the first answer (or its failure) is in and the overlay's frame is painted, the
    // in-page core loads (`coreReady`) when the page is idle: its fetch and compile would hold
    // up that frame. A hidden tab paints no frames: then after AHEAD_FRAME_MS.
    const settle = () => {
      const timer = setTimeout(aheadSettled, AHEAD_FRAME_MS);
      afterPaint(() => { clearTimeout(timer); aheadSettled(); });
    };
    const first = (promise) => promise.finally(settle);
    let failed = false; // the engine page did not answer: the rest of this page is the in-page core's
    const ahead = async (call) => {
      if (!failed) {
        try {
          return await first(call(engine));
        } catch (err) {
          failed = true;
          if (err && err.stage === 'no_engine') askForEngine();
        }
      }
      let own;
      try { own = await coreReady; } catch (e) { throw Object.assign(e || new Error('load'), { stage: 'load' }); }
      return call(own);
    };
    return {
      check: (input) => ahead((c) => c.check(input)),
      key: () => ahead((c) => c.key()),
      state: engine.state,
    };
  }

  // ---- The extension's own call log (kept by the service worker, keyed by origin + patient) ----

  /** The storage key of this origin's record for a patient (the worker's `keyOf`). */
  const logKeyOf = (key) => `calllog:${JSON.stringify([location.origin, key])}`;

  // The records this tab read last (storage key -> record as stored), kept only while storage
  // says nothing changed: going back to a patient seen a moment ago (a relative, the card
  // after the call) does not wait for storage again (5-8 ms of a typical SPA switch here).
  // At most RECENT_LOGS records, in this tab's memory only, gone with the tab.
  const RECENT_LOGS = 20;
  const recentLogs = new Map();
  let logChanges = 0; // storage changes to call-log records seen by this tab
  // Which records of this MIS exist (storage keys, no patient data beyond the key the MIS
  // shows), so switching to a patient without one needs no storage read (3-6 ms, on the
  // critical path of an SPA switch). Built once after the first check from the storage's key
  // list; every record written since is added and none is taken out, so a key missing here
  // surely has no record (one that is here but gone costs a read). Not kept for a log of
  // more than LOGGED_MAX records of this MIS (the reads then go on as before).
  const LOGGED_MAX = 20000;
  let logged = null;      // Set of storage keys, or null: read every time
  let loggedSince = null; // while the list is being read: the keys written meanwhile
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local') return;
    for (const id of Object.keys(changes)) {
      if (!id.startsWith('calllog:')) continue;
      recentLogs.delete(id);
      logChanges += 1;
      if (changes[id].newValue !== undefined) {
        if (logged) logged.add(id);
        else if (loggedSince) loggedSince.push(id);
      }
    }
  });
  async function indexLogs() {
    if (typeof chrome.storage.local.getKeys !== 'function') return; // Chrome before 130
    const prefix = logKeyOf('').slice(0, -2); // `calllog:["<origin>","`: this MIS's records
    loggedSince = [];
    try {
      const ids = (await chrome.storage.local.getKeys()).filter((id) => id.startsWith(prefix));
      if (ids.length <= LOGGED_MAX) logged = new Set([...ids, ...loggedSince]);
    } catch { /* reads go on as before */ }
    loggedSince = null;
  }

  /**
   * This patient's stored record as stored, or null (the check then counts the MIS log alone).
   * Read here, not through the service worker: the core reads the record leniently itself,
   * and the worker's round trip (waking it, its queue) was on the path of every check.
   */
  async function readLog(key) {
    if (!key) return null;
    const id = logKeyOf(key);
    if (logged && !logged.has(id)) return null;
    if (recentLogs.has(id)) return recentLogs.get(id);
    const changesBefore = logChanges;
    try {
      const stored = (await chrome.storage.local.get(id))[id];
      const record = stored === undefined ? null : stored;
      // Kept only if no record changed meanwhile (the read may predate that change).
      if (logChanges === changesBefore) {
        recentLogs.set(id, record);
        if (recentLogs.size > RECENT_LOGS) recentLogs.delete(recentLogs.keys().next().value);
      }
      return record;
    } catch {
      return null;
    }
  }

  /**
   * The stored record needs writing back (an older version, or unreadable parts to set
   * aside): the service worker, the log's only writer, reads it and does that.
   */
  function settleLog(key) {
    if (key) chrome.runtime.sendMessage({ type: 'precall:log-read', patient: key }).catch(() => {});
  }

  /** Writes a dial or its outcome; resolves to { ok } or { failed: 'quota' | 'invalid' | 'storage', message }. */
  async function writeLog(key, recording) {
    try {
      const reply = await chrome.runtime.sendMessage({ type: 'precall:log-record', patient: key, recording, config: config() });
      return reply || { failed: 'storage' };
    } catch {
      return { failed: 'storage' };
    }
  }

  function input(extra) {
    // settings.profiles: a clinic's own site profiles (JSON), tried before the built-in ones.
    return {
      config: config(), now_ms: now(), phone_text: settings.dial && settings.dial.phone_text,
      profiles: settings.profiles || [], templates: settings.templates, managed, ...extra,
    };
  }

  // The MIS's own session for a related read (only SAO's is known: the header SAO itself sends).
  function authorization(auth) {
    if (!auth) return null;
    if (auth.kind === 'tryton_session') {
      const s = JSON.parse(localStorage.getItem(`sao_session_${auth.database}`) || 'null');
      if (!s || !s.session) throw new Error('no MIS session');
      return `Session ${btoa(unescape(encodeURIComponent(`${s.login}:${s.user_id}:${s.session}`)))}`;
    }
    throw new Error('unknown session kind');
  }

  // Related reads the profile declares (the core says what): same origin only, the user's own
  // session, read-only by construction (the core builds only search_read calls). The replies
  // go to the core only; nothing is kept beyond a short cache in this page's memory.
  async function fetchRelated(requests) {
    const replies = {};
    for (const [id, hit] of relatedCache) if (Date.now() - hit.at >= RELATED_TTL_MS) relatedCache.delete(id);
    await Promise.all(requests.map(async (r) => {
      const id = r.path + r.body;
      const hit = relatedCache.get(id);
      if (hit && Date.now() - hit.at < RELATED_TTL_MS) {
        replies[r.section] = { body: r.body, reply: hit.reply };
        return;
      }
      let reply;
      try {
        const target = new URL(r.path, location.origin);
        if (!r.path.startsWith('/') || target.origin !== location.origin) throw new Error('not the page origin');
        const headers = { 'Content-Type': 'application/json' };
        const auth = authorization(r.auth);
        if (auth) headers.Authorization = auth;
        const res = await fetch(target, {
          method: 'POST', headers, body: r.body, credentials: 'same-origin', cache: 'no-store', redirect: 'error',
        });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        reply = await res.json();
        relatedCache.set(id, { at: Date.now(), reply });
      } catch (err) {
        reply = { failed: (err && err.message) || 'error' };
      }
      replies[r.section] = { body: r.body, reply };
    }));
    return replies;
  }

  /** A check, with the profile's related reads when it asks for them (at most two rounds: the page may switch patients meanwhile). */
  async function checkWith(extra, c = core) {
    let result = await c.check(input(extra));
    for (let round = 0; result.status === 'related' && round < 2; round++) {
      result = await c.check(input({ ...extra, related: await fetchRelated(result.related) }));
    }
    return result;
  }

  // Which patient the page shows, read with the profile's selectors the last check returned
  // (`key_probe`, when the key is a plain selector): one querySelector per batch of page
  // changes, so a patient switch is read at once on both core paths. `undefined`: no probe.
  function probeKey() {
    if (!probes) return undefined;
    for (const p of probes) {
      const n = document.querySelector(p.css);
      if (n) return p.attr ? n.getAttribute(p.attr) : n.textContent;
    }
    return null;
  }

  async function run() {
    clearTimeout(timer);
    timer = 0;
    if (!core) return;
    if (running) { again = true; return; }
    running = true;
    let key = lastKey; // for the failure path: which patient the failed check was for
    checkCopy = null;
    // The in-page core may take over from the engine while this check runs (`aheadCore`):
    // the check is the first one's to the end.
    const c = core;
    // On the engine path, the sections as they are when the page is copied: a change during
    // the round trip then still differs from what was checked.
    const seen = c.inPage ? undefined : c.state();
    const probed = JSON.stringify([probes, stateProbe]);
    try {
      let result;
      const hint = hinted();
      if (hint) {
        // The key from the probes, the check at once, with the record read meanwhile (on the
        // engine path: one round trip). The check says which patient it read; another one is
        // checked again with its own record.
        key = hint.key;
        result = await checkWith({ call_log: hint.log }, c);
        if (result.patient_key && result.patient_key !== hint.key && result.status !== 'not_patient_page') {
          key = result.patient_key;
          result = await checkWith({ call_log: readLog(key) }, c);
        }
      } else {
        // No probes yet (this MIS's first page, or they read nothing): the key is the core's
        // own, a short call, then the check in a task of its own (a new page's first call
        // compiles and parses, and one task for both would be a long task for the page).
        key = await c.key();
        if (key === NOT_PATIENT) {
          result = { status: 'not_patient_page' };
        } else {
          const log = readLog(key);
          await yieldToPage();
          result = await checkWith({ call_log: log }, c);
        }
      }
      if (result.status === 'related') { schedule(); return; }
      if (result.words) coreWords = { ...result.words, lang: result.locale };
      probes = result.key_probe || null;
      stateProbe = result.state_probe || null;
      try { lastProbeKey = probeKey(); } catch { probes = null; }
      // In the page the check answers the state it read (a change while it ran then differs);
      // on the engine path the state taken when the page was copied, if the probes held.
      if (c.inPage) lastState = result.state ?? null;
      else lastState = seen !== undefined && JSON.stringify([probes, stateProbe]) === probed ? seen : c.state();
      saveProbes(result);
      lastKey = result.patient_key;
      lastResult = result.status === 'ok' ? result : null;
      guard(result);
      const drawn = JSON.stringify([result.status, result.panel, result.error]);
      if (drawn === lastPanel) {
        // Nothing changed: without a cheap probe (the engine path) this is how churn shows.
        probeDelay = Math.min(probeDelay * 2, PROBE_MAX_MS);
        return;
      }
      probeDelay = QUIET_MS;
      lastPanel = drawn;
      if (result.status === 'ok') { draws += 1; precallOverlay.show(result.panel, panelHooks(result)); }
      else if (result.status === 'input_error') say('check_failed', result.error);
      else if (result.status === 'too_large') say('too_large');
      else { draws += 1; precallOverlay.hide(); }
      markDrawn();
      // After the overlay is on screen: the profiles page's coverage is not on the check's path.
      if (result.status === 'ok') setTimeout(() => reportCoverage(result), 0);
      if (result.own_log_changed) settleLog(result.patient_key);
    } catch (err) {
      failed(err, key);
    } finally {
      running = false;
      checkCopy = null; // a page copy is not kept between checks
      if (again) { again = false; schedule(); }
    }
  }

  /** Lets the page's own tasks run before ours goes on (a task boundary, not a microtask). */
  function yieldToPage() {
    return globalThis.scheduler && typeof scheduler.yield === 'function'
      ? scheduler.yield() // eslint-disable-line no-undef
      : new Promise((resolve) => setTimeout(resolve, 0));
  }

  /** The patient key the probes read now, with its log record (read early for a new page), or null. */
  function hinted() {
    const key = probedKey();
    if (!key) return null;
    const e = early;
    early = null;
    return e && e.key === key ? e : { key, log: readLog(key) };
  }

  // ---- The dial guard ----

  function guard(result) {
    if (result.status !== 'ok' || !result.dial) {
      precallGuard.disable();
      return;
    }
    precallGuard.enable(onDial, result.dial.buttons);
    if (result.dial.phones && result.dial.phones.length) linkify(result.dial.phones, result.dial.within || []);
  }

  function panelHooks(result) {
    return {
      teachLabel: result.words && result.words.teach, // with the panel, in its language
      onTeach: () => teach(),
      outcomeLabel: result.dial && result.dial.words.record_outcome,
      onOutcome: () => outcomeFromPanel(),
      onLink: (href, channel) => {
        if (!precallGuard.enabled || !channel) return false;
        onDial({ kind: 'link', element: null, channel, number: precallGuard.numberOf(href), href });
        return true;
      },
    };
  }

  const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const SKIP = 'a, button, script, style, textarea, input, select, option, [contenteditable], precall-overlay, precall-dialog';

  /** Wraps plain-text phone numbers (found by the core) in guarded tel: links. */
  function linkify(phones, within) {
    const patterns = phones.map((p) => ({ re: new RegExp(escapeRe(p.text).replace(/ /g, '[\\s\\u00a0]+')), e164: p.e164 }));
    for (const selector of within) {
      let scopes = [];
      try { scopes = document.querySelectorAll(selector); } catch { continue; }
      for (const scope of scopes) {
        const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
        const nodes = [];
        for (let n = walker.nextNode(); n && nodes.length < 5000; n = walker.nextNode()) {
          if (n.parentElement && !n.parentElement.closest(SKIP)) nodes.push(n);
        }
        for (let node of nodes) {
          for (const { re, e164 } of patterns) {
            const m = re.exec(node.data);
            if (!m || !/^\+\d{8,15}$/.test(e164)) continue;
            const hit = node.splitText(m.index);
            const rest = hit.splitText(m[0].length);
            const a = document.createElement('a');
            a.href = `tel:${e164}`;
            a.className = 'precall-phone';
            a.textContent = hit.data;
            hit.replaceWith(a);
            node = rest;
          }
        }
      }
    }
  }

  function zone() {
    return cfg('timezone') || 'Europe/Moscow';
  }

  /** The outcome form for a contact: `recording` is what is saved (the dial, its override). */
  function outcome(key, w, recording, title, firstSave) {
    const form = precallDialog.outcome({
      words: w,
      title,
      channels: recording.fromPanel ? w.channels : null,
      defaults: { channel: recording.channel, purpose: recording.purpose, callbackDefault: precallDialog.localInput(now() + 86400000, zone()) },
      onOptions: () => chrome.runtime.sendMessage({ type: 'precall:open-options' }).catch(() => {}),
      onSave: async (data) => {
        const reply = await writeLog(key, {
          id: recording.id, at_ms: recording.at_ms, channel: data.channel || recording.channel,
          purpose: data.purpose, outcome: data.outcome, callback_at: data.callback_at, note: data.note,
          override: recording.override,
        });
        if (reply.ok) { lastPanel = ''; schedule(); }
        return reply;
      },
    });
    if (firstSave) {
      firstSave.then((reply) => {
        if (reply && !reply.ok && precallDialog.open) {
          form.problem(reply.failed === 'quota' ? w.storage_full : (reply.message || w.save_failed), reply.failed === 'quota');
        }
      });
    }
  }

  function outcomeFromPanel() {
    if (!lastResult || !lastKey) return;
    const w = lastResult.dial.words;
    outcome(lastKey, w, { id: crypto.randomUUID(), at_ms: now(), channel: 'call', purpose: lastResult.purpose, fromPanel: true }, null, null);
  }

  /** A guarded click: judge this contact now, then dial (or not) as the administrator decides. */
  async function onDial(target) {
    if (dialling || !lastResult) return;
    dialling = true;
    const w = lastResult.dial.words;
    let key = lastKey;
    let result = null;
    try {
      precallDialog.checking(w, null);
      // The patient shown now (an SPA may have switched since the last check).
      checkCopy = null;
      key = await core.key();
      if (key === NOT_PATIENT) key = null;
      result = await checkWith({ call_log: readLog(key), intended: { channel: target.channel, number: target.number } });
      if (result && result.patient_key) key = result.patient_key;
    } catch (err) {
      console.warn('precall: dial check failed', err && err.name);
    }
    checkCopy = null;
    dialling = false;
    if (!precallDialog.open) return; // cancelled while checking
    const go = (override) => {
      const head = result && result.dial && result.dial.head;
      const recording = {
        id: crypto.randomUUID(),
        at_ms: now(),
        channel: target.channel,
        purpose: result ? result.purpose : null,
        override: override ? { reason: override.reason, verdict: result.verdict, rules: head ? head.block_rules : [] } : undefined,
      };
      precallGuard.dial(target); // first: never slow a permitted call
      if (!key) return; // no patient to log it for
      const firstSave = writeLog(key, recording);
      outcome(key, w, recording, head ? head.title : null, firstSave);
    };
    if (!result || result.status !== 'ok' || !result.dial || !result.dial.head) {
      precallDialog.failed(w, null, go);
      return;
    }
    precallDialog.dial({ words: result.dial.words, head: result.dial.head, panel: result.panel, verdict: result.verdict, onDial: go });
  }

  // ---- Teach mode and coverage (the profiles page shows the last one reported) ----

  /**
   * The coverage of this page for the profiles page: what was read, no page text, the origin
   * without the path. Written to session storage here (memory only; content scripts may use it),
   * not sent to the service worker: a message would start the worker, stopped after 30 s idle,
   * on nearly every patient switch, only to store this.
   */
  function reportCoverage(result) {
    const coverage = JSON.parse(JSON.stringify(result.coverage || null, (k, v) => (k === 'invalid_example' ? undefined : v)));
    const unread = Array.isArray(result.teach_targets) ? result.teach_targets : [];
    chrome.storage.session.set({ [COVERAGE_KEY]: { origin: location.origin, profile: String(result.profile || ''), coverage, unread, at: Date.now() } })
      .catch(() => {});
  }

  /** Teach mode on this page (the overlay's button or the keyboard command): the core proposes, previews, and derives the profile. */
  async function teach() {
    if (!core || !lastResult) return;
    if (!teachWords.teach_title) await loadTeachWords();
    // The words of the user's language from _locales (the worker reads them: chrome.i18n here knows only the browser's).
    const say = (key, ...args) => (teachWords[key] ? teachWords[key].message : key).replace(/\$a(\d)\$/g, (_, n) => String(args[n - 1] ?? ''));
    precallTeach.start({
      targets: lastResult.teach_targets || [],
      words: {
        title: say('teach_title'), choose: say('teach_choose'), none: say('teach_none'), checking: say('teach_checking'),
        save: say('teach_save'), again: say('teach_again'), cancel: say('teach_cancel'), not_found: say('teach_not_found'),
        unavailable: say('teach_unavailable'), save_failed: say('teach_save_failed'),
        target: (t) => say(`teach_target_${t.replace('.', '_')}`), pick: (what) => say('teach_pick', what),
        place: (p) => say('teach_place', p), value: (v) => say('teach_value', v), rows: (n) => say('teach_rows', n),
        failed: (why) => say('teach_failed', why), saved: (name) => say('teach_saved', name),
      },
      preview: (target, picked) => core.check(input({ teach: { target, picked } })),
      save: async (profile) => {
        // This origin's taught profile replaces its earlier version; the others stay as they are.
        try {
          const { settings: stored } = await chrome.storage.local.get('settings');
          const next = stored || { config: null, clock: null };
          const nameOf = (p) => { try { return (typeof p === 'string' ? JSON.parse(p) : p).name; } catch { return null; } };
          next.profiles = [profile, ...(next.profiles || []).filter((p) => nameOf(p) !== profile.name)];
          await chrome.storage.local.set({ settings: next }); // the page is re-checked on the change
          return true;
        } catch {
          return false;
        }
      },
    });
  }

  // A trap inside the core (a Rust panic): never let it reach the MIS. No patient data in the
  // log. The trap can leave the wasm instance unusable: a fresh one is loaded for the next
  // page (the engine page is restarted by the service worker instead).
  function failed(err, key) {
    console.warn('precall: check failed', err && err.name);
    lastPanel = '';
    lastKey = key; // not this patient again until the page changes
    const stage = err && err.stage;
    say(stage === 'load' ? 'load_failed' : stage === 'too_large' ? 'too_large' : 'check_failed');
    markDrawn();
    if (core && core.inPage) reload();
  }

  async function reload() {
    core = null;
    if (loads >= MAX_LOADS) return;
    try { core = await loadCore(); } catch (err) { console.warn('precall: the core could not load', err && err.name); }
    if (core) navigated(); // the page may have moved on meanwhile: check it again
  }

  function schedule() {
    if (!timer) timer = setTimeout(run, QUIET_MS);
  }

  // SPA: re-check when the shown patient or a section the profile reads changes, not on every
  // unrelated mutation. Mutations are batched into one cheap probe; while the page keeps
  // changing with nothing relevant, the probes back off (120 ms doubling up to 1 s), so
  // unrelated churn (tickers, clocks, chat widgets) costs little. Navigation events
  // (hashchange, popstate, navigatesuccess) re-check at once.
  function onMutations(records) {
    if (!core) return;
    // Our own links around phone numbers are not a change of the page.
    const added = records.flatMap((r) => [...r.addedNodes]);
    const ours = (n) => n.nodeType === 1 && n.classList.contains('precall-phone');
    if (added.some(ours) && added.every((n) => n.nodeType === 3 || ours(n))) return;
    // A new patient in the DOM (`key_probe`: one querySelector) is read at once, not after
    // the quiet period: the overlay must not lag the card.
    if (probes) {
      let key;
      try { key = probeKey(); } catch { key = lastProbeKey; }
      if (key !== lastProbeKey) {
        lastProbeKey = key;
        clearTimeout(probeTimer);
        probeTimer = 0;
        probeDelay = QUIET_MS;
        if (running) again = true;
        else run();
        return;
      }
    }
    if (timer || probeTimer) return;
    probeTimer = setTimeout(probe, probeDelay);
  }

  function probe() {
    probeTimer = 0;
    if (timer || !core) return;
    let state;
    try { state = core.state(); } catch (err) { return failed(err, lastKey); }
    if (state === undefined) return schedule();
    if (state !== lastState) {
      probeDelay = QUIET_MS;
      schedule();
    } else {
      probeDelay = Math.min(probeDelay * 2, PROBE_MAX_MS);
    }
  }

  function navigated() {
    probeDelay = QUIET_MS;
    schedule();
  }

  // Everything that does not need the page starts at once (the content script runs at
  // document_start): the core loads and compiles, and the settings are read, while the page
  // is still being parsed. The page itself is read just after its load event, so the check
  // never delays the MIS's own loading (its load event, its scripts' load handlers).
  // The browser policy (a chain's IT) comes with the settings: the service worker mirrors it
  // into local storage, because the browser's own read of policy storage can take seconds
  // (6 s in a fresh browser; a 300 ms wait for it cost every page 300 ms in the benchmark).
  // The direct read still follows, and a policy that differs re-checks the page.
  const settingsReady = chrome.storage.local.get(['settings', 'managed', PROBES_KEY]).then(
    (stored) => {
      if (stored.settings) settings = stored.settings;
      if (stored.managed) managed = stored.managed;
      if (Array.isArray(stored[PROBES_KEY])) {
        probes = stored[PROBES_KEY];
        savedProbes = JSON.stringify(probes);
      }
    },
    () => { /* storage unavailable: defaults */ });
  // As soon as the page is parsed (and the probes are known), this patient's log record is
  // read, while the core may still be loading.
  const parsed = document.readyState === 'loading'
    ? new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve, { once: true }))
    : Promise.resolve();
  Promise.all([settingsReady, parsed]).then(() => {
    const key = probedKey();
    if (key) early = { key, log: readLog(key) };
  });
  const pageReady = new Promise((resolve) => {
    if (document.readyState === 'complete') resolve();
    else window.addEventListener('load', () => setTimeout(resolve, 0), { once: true });
  });
  // In a subframe (an MIS page's widgets, reports, now and then an embedded card) the core
  // loads after the frame's load event: each frame is a new instance, and several compiling
  // at once while the MIS page loads would take the page's CPU for frames that mostly show no
  // patient. In the top frame, when the engine page runs (the worker notes it in session
  // storage, which ends with the browser), the first check goes ahead to it (`aheadCore`) and
  // the page's own core loads after that check: compiled during the page's load, it took the
  // CPU from both. Otherwise it loads at once.
  let aheadSettled;
  const aheadDone = new Promise((resolve) => { aheadSettled = resolve; });
  const engineUp = window === window.top
    ? chrome.storage.session.get(ENGINE_UP).then((s) => s[ENGINE_UP] === true, () => false)
    : Promise.resolve(false);
  const coreReady = window !== window.top
    ? pageReady.then(loadCore)
    : engineUp.then((up) => (up ? aheadDone.then(loadCore) : loadCore()));
  coreReady.catch(() => {}); // handled in start()
  // A page too large to go ahead (a heavy card) loads its core as soon as it is parsed, not
  // after its load event: its own first check is the one that will run.
  parsed.then(() => { if (!smallPage()) aheadSettled(); });

  async function start() {
    await settingsReady;
    await pageReady;
    const up = await engineUp; // false in a subframe
    if (up && smallPage()) {
      // The first check goes ahead to the engine page (`aheadCore`); the in-page core takes
      // over when it is ready, and checks the page once more (no redraw if nothing changed):
      // its first check's compiling is then not on a patient switch's path.
      core = aheadCore();
      coreReady.then(
        (loadedCore) => { core = loadedCore; if (loadedCore.inPage) schedule(); },
        () => { core = engineCore(false); }, // the in-page core failed to load: the engine goes on
      );
    } else {
      aheadSettled();
      try {
        core = await coreReady;
      } catch (err) {
        console.warn('precall: the core could not load', err && err.name);
        say('load_failed');
        markDrawn();
        return;
      }
    }
    // Not needed before the first check, so not started while the page loads: the browser's
    // own policy read (the worker's mirror came with the settings).
    chrome.storage.managed.get(null).then((m) => {
      if (JSON.stringify(m) === JSON.stringify(managed)) return;
      const changed = Object.keys(m).length > 0 || (managed && Object.keys(managed).length > 0);
      managed = m;
      if (core && changed) { lastPanel = ''; schedule(); }
    }, () => { /* no policy storage */ });
    await run();
    // No engine page yet (this browser's first MIS page): the worker starts one, once this
    // overlay is painted and the page idle (it compiles a core too), for the pages that follow.
    if (window === window.top && !up) afterPaint(askForEngine);
    if (window === window.top) setTimeout(indexLogs, 0); // after the first overlay, for the switches that follow
    new MutationObserver(onMutations).observe(document.body || document.documentElement,
      { childList: true, subtree: true });
    if (window.navigation) window.navigation.addEventListener('navigatesuccess', navigated);
    window.addEventListener('popstate', navigated);
    // Hash-routed MIS (SAO: "#health/model/gnuhealth.patient/1"): a tab or record switch
    // changes the fragment, sometimes with no DOM mutation at all.
    window.addEventListener('hashchange', navigated);
    chrome.storage.onChanged.addListener(async (changes, area) => {
      // A policy change arrives through the worker's mirror (local storage, key `managed`).
      if (area !== 'local') return;
      if (changes.managed && JSON.stringify(changes.managed.newValue) !== JSON.stringify(managed)) {
        managed = changes.managed.newValue || null;
        lastPanel = '';
        schedule();
      }
      if (changes.settings) {
        settings = changes.settings.newValue || { config: null, clock: null };
        lastPanel = '';
        schedule();
        // Teach mode's words, once this page has them, again: the language may have changed.
        if (teachWords.teach_title) loadTeachWords();
      } else if (lastKey && Object.keys(changes).includes(logKeyOf(lastKey))) {
        schedule(); // this patient's log changed (another tab, an import)
      }
    });
    // The keyboard shortcut (chrome `commands`, relayed by the service worker).
    chrome.runtime.onMessage.addListener((message, sender) => {
      if (sender.id !== chrome.runtime.id || !message) return;
      if (message.type === 'precall:teach') teach();
      if (message.type !== 'precall:open-panel') return;
      if (!precallOverlay.open()) schedule();
    });
  }

  start();
})();
