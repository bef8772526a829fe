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
  const UNKNOWN = Symbol('no cheap key');
  let core = null;        // { check(input) -> Promise<result>, key() -> string|undefined|null|UNKNOWN }
  let settings = { config: null, clock: null };
  let lastKey;            // the patient key the overlay was drawn for
  let lastPanel = '';     // what is drawn, so an unchanged re-check does not redraw
  let timer = 0;
  let running = false;
  let again = false;      // a check was asked for while one was running
  let lastRunAt = 0;      // performance.now() of the last finished check

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
    // The glue (`wasm_bindgen`, extension/pkg/precall.js) is injected before this script; the
    // .wasm is fetched and compiled here (a page's CSP that forbids WebAssembly makes this a
    // CompileError).
    const glue = wasm_bindgen; // eslint-disable-line no-undef
    const compiled = WebAssembly.compileStreaming(fetch(url('extension/pkg/precall_bg.wasm')));
    try {
      await glue({ module_or_path: compiled });
      return { check: async (input) => glue.check_page(input), key: () => glue.current_patient_key() };
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
      key: () => UNKNOWN, // no cheap key here: re-check after the page settles
    };
  }

  // Which patient the page shows, read with the selectors the last check returned
  // (`key_probe`: the site profile's patient key, when it is a plain selector). On every
  // batch of page changes this costs one querySelector, not a call into the core (or, on
  // strict-CSP pages, not a page copy for the engine). Without probes: the core's own key.
  let probes = null;
  function currentKey() {
    if (!probes) return core.key();
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
    if (running) {
      again = true; // a switch while a check is in flight: read again when it ends
      return;
    }
    running = true;
    try {
      const result = await core.check({ config: settings.config, now_ms: now() });
      probes = result.key_probe || null;
      lastKey = currentKey(); // read as it will be read after the next page change
      lastRunAt = performance.now();
      const drawn = JSON.stringify([result.status, result.panel, result.error]);
      if (drawn === lastPanel) return;
      lastPanel = drawn;
      if (result.status === 'ok') precallOverlay.show(result.panel);
      else if (result.status === 'input_error') precallOverlay.message(result.error, words());
      else precallOverlay.hide();
      markDrawn();
    } catch (err) {
      // A trap inside the core: never let it reach the MIS. No patient data in the log.
      console.warn('precall: check failed', err && err.name);
      lastPanel = '';
      precallOverlay.message(err && err.stage === 'load' ? words().load : words().fail, words());
      markDrawn();
    } finally {
      running = false;
      if (again) {
        again = false;
        run();
      }
    }
  }

  function schedule() {
    if (!timer) timer = setTimeout(run, QUIET_MS);
  }

  // SPA: re-check when the shown patient changes, not on every unrelated mutation. A new
  // patient in the DOM is read at once (the overlay must not lag the card); if the page goes
  // on changing just after a switch (an SPA still rendering), it is read again once it settles.
  function onMutations() {
    if (!core) return;
    let key;
    try { key = currentKey(); } catch { return; }
    if (key === UNKNOWN) return schedule();
    if (key !== lastKey) run();
    else if (performance.now() - lastRunAt < QUIET_MS) schedule();
  }

  // Everything that does not need the page starts at once (the content script runs at
  // document_start): the core loads and compiles, and the settings are read, while the page
  // is still being parsed. The page itself is read just after its load event, so the check
  // never delays the MIS's own loading (its load event, its scripts' load handlers).
  const settingsReady = chrome.storage.local.get('settings').then(
    (stored) => { if (stored.settings) settings = stored.settings; },
    () => { /* storage unavailable: defaults */ });
  const coreReady = loadCore();
  coreReady.catch(() => {}); // handled in start()
  const pageReady = new Promise((resolve) => {
    if (document.readyState === 'complete') resolve();
    else window.addEventListener('load', () => setTimeout(resolve, 0), { once: true });
  });

  async function start() {
    await settingsReady;
    try {
      core = await coreReady;
    } catch (err) {
      await pageReady;
      console.warn('precall: the core could not load', err && err.name);
      precallOverlay.message(words().load, words());
      markDrawn();
      return;
    }
    await pageReady;
    await run();
    new MutationObserver(onMutations).observe(document.body || document.documentElement,
      { childList: true, subtree: true });
    if (window.navigation) window.navigation.addEventListener('navigatesuccess', schedule);
    window.addEventListener('popstate', schedule);
    chrome.storage.onChanged.addListener((changes, area) => {
      if (area === 'local' && changes.settings) {
        settings = changes.settings.newValue || { config: null, clock: null };
        schedule();
      }
    });
  }

  start();
})();
