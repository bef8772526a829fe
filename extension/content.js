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
  const FALLBACK = {
    ru: { load: 'Проверка перед звонком не загрузилась. Страница МИС работает как обычно.',
          fail: 'Проверка не удалась — сообщите, пожалуйста. Страница МИС работает как обычно.',
          brand: 'Перед звонком', collapse: 'Свернуть', move_corner: 'Переместить' },
    en: { load: 'The pre-call check could not load. The MIS page works as usual.',
          fail: 'Check failed - please report. The MIS page works as usual.',
          brand: 'Pre-call check', collapse: 'Collapse', move_corner: 'Move' },
  };
  let core = null;        // { check(input) -> Promise<result>, key() -> string|undefined|null }
  let settings = { config: null, clock: null };
  let lastState = null;   // which patient, and a fingerprint of the sections read, when last checked
  let lastPanel = '';     // what is drawn, so an unchanged re-check does not redraw
  let timer = 0;
  let probeTimer = 0;
  let running = false;
  const RELATED_TTL_MS = 30000;
  const relatedCache = new Map(); // path + body -> { at, reply }: a re-check does not re-read

  const words = () => FALLBACK[settings.config && settings.config.locale === 'en' ? 'en' : 'ru'];

  function now() {
    // A trainer's demo clock from settings, else the real time.
    const fixed = settings.clock && Date.parse(settings.clock);
    return Number.isFinite(fixed) ? fixed : Date.now();
  }

  // A copy of the page for the engine: form values (kept by MIS forms only in DOM properties)
  // are written into attributes; scripts and our own overlay are left out.
  function pageCopy() {
    const live = document.documentElement;
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
    clone.querySelectorAll('script, noscript, precall-overlay, precall-fallback').forEach((n) => n.remove());
    return `<!doctype html>${clone.outerHTML}`;
  }

  async function loadCore() {
    const glue = await import(url('extension/pkg/precall.js'));
    try {
      await glue.default({ module_or_path: url('extension/pkg/precall_bg.wasm') });
      return { check: async (input) => glue.check_page(input), state: () => glue.current_state() ?? null };
    } catch (err) {
      if (!err || err.name !== 'CompileError') throw err;
    }
    // The page's CSP forbids WebAssembly here: the engine page reads a copy instead.
    return {
      check: async (input) => {
        const reply = await chrome.runtime.sendMessage(
          { type: 'precall:check-html', html: pageCopy(), url: location.href, input });
        if (!reply || reply.failed) throw Object.assign(new Error('engine'), { stage: reply && reply.failed });
        return reply;
      },
      state: null, // no cheap probe here: re-check after the page settles
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

  async function run() {
    timer = 0;
    if (!core || running) return;
    running = true;
    try {
      // settings.profiles: a clinic's own site profiles (JSON), tried before the built-in ones.
      const input = { config: settings.config, now_ms: now(), profiles: settings.profiles || [] };
      let result = await core.check(input);
      // Related reads: at most two rounds (the page may switch patients meanwhile).
      for (let round = 0; result.status === 'related' && round < 2; round++) {
        result = await core.check({ ...input, related: await fetchRelated(result.related) });
      }
      if (result.status === 'related') { schedule(); return; }
      if (core.state) lastState = core.state();
      const drawn = JSON.stringify([result.status, result.panel, result.error]);
      if (drawn === lastPanel) {
        // Nothing changed: without a cheap probe (the engine path) this is how churn shows.
        probeDelay = Math.min(probeDelay * 2, PROBE_MAX_MS);
        return;
      }
      probeDelay = QUIET_MS;
      lastPanel = drawn;
      if (result.status === 'ok') precallOverlay.show(result.panel);
      else if (result.status === 'input_error') precallOverlay.message(result.error, words());
      else precallOverlay.hide();
    } catch (err) {
      // A trap inside the core: never let it reach the MIS. No patient data in the log.
      console.warn('precall: check failed', err && err.name);
      lastPanel = '';
      precallOverlay.message(err && err.stage === 'load' ? words().load : words().fail, words());
    } finally {
      running = false;
    }
  }

  function schedule() {
    if (!timer) timer = setTimeout(run, QUIET_MS);
  }

  // SPA: re-check when the shown patient or a section the profile reads changes, not on every
  // unrelated mutation. Mutations are batched into one cheap probe; while the page keeps
  // changing with nothing relevant, the probes back off (120 ms doubling up to 1 s), so
  // unrelated churn (tickers, clocks, chat widgets) costs little. Navigation events
  // (hashchange, popstate, navigatesuccess) re-check at once.
  const PROBE_MAX_MS = 1000;
  let probeDelay = QUIET_MS;
  function onMutations() {
    if (timer || probeTimer || !core) return;
    probeTimer = setTimeout(probe, probeDelay);
  }

  function probe() {
    probeTimer = 0;
    if (timer || !core) return;
    if (!core.state) return schedule();
    let state;
    try { state = core.state(); } catch { return; }
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

  async function start() {
    try {
      const stored = await chrome.storage.local.get('settings');
      if (stored.settings) settings = stored.settings;
    } catch { /* storage unavailable: defaults */ }
    try {
      core = await loadCore();
    } catch (err) {
      console.warn('precall: the core could not load', err && err.name);
      precallOverlay.message(words().load, words());
      return;
    }
    await run();
    new MutationObserver(onMutations).observe(document.body || document.documentElement,
      { childList: true, subtree: true });
    if (window.navigation) window.navigation.addEventListener('navigatesuccess', navigated);
    window.addEventListener('popstate', navigated);
    // Hash-routed MIS (SAO: "#health/model/gnuhealth.patient/1"): a tab or record switch
    // changes the fragment, sometimes with no DOM mutation at all.
    window.addEventListener('hashchange', navigated);
    chrome.storage.onChanged.addListener((changes, area) => {
      if (area === 'local' && changes.settings) {
        settings = changes.settings.newValue || { config: null, clock: null };
        lastPanel = '';
        schedule();
      }
    });
  }

  start();
})();
