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
  const FALLBACK = {
    ru: { load: 'Проверка перед звонком не загрузилась. Страница МИС работает как обычно.',
          fail: 'Проверка не удалась — сообщите, пожалуйста. Страница МИС работает как обычно.',
          too_large: 'Страница слишком большая для проверки: проверьте карту сами. Страница МИС работает как обычно.',
          brand: 'Перед звонком', collapse: 'Свернуть', move_corner: 'Переместить' },
    en: { load: 'The pre-call check could not load. The MIS page works as usual.',
          fail: 'Check failed - please report. The MIS page works as usual.',
          too_large: 'Page too large to check: check the card yourself. The MIS page works as usual.',
          brand: 'Pre-call check', collapse: 'Collapse', move_corner: 'Move' },
  };
  let core = null;        // { check(input) -> Promise<result>, key() -> string|undefined|null }
  let settings = { config: null, clock: null };
  let lastKey;            // the patient key the overlay was drawn for
  let lastPanel = '';     // what is drawn, so an unchanged re-check does not redraw
  let timer = 0;
  let running = false;
  let loads = 0;          // wasm cores loaded in this tab: a trap leaves one unusable, so a fresh one is loaded
  const MAX_LOADS = 5;    // each leaves its module behind (wasm-bindgen glue cannot be unloaded)

  const words = () => FALLBACK[settings.config && settings.config.locale === 'en' ? 'en' : 'ru'];

  function now() {
    // A trainer's demo clock from settings, else the real time.
    const fixed = settings.clock && Date.parse(settings.clock);
    return Number.isFinite(fixed) ? fixed : Date.now();
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
    clone.querySelectorAll('script, noscript, precall-overlay, precall-fallback').forEach((n) => n.remove());
    return `<!doctype html>${clone.outerHTML}`;
  }

  async function loadCore() {
    // wasm-bindgen's glue instantiates once per module: after a trap only a fresh copy of the
    // module (a new URL, ?v=N) gives a working core.
    const glue = await import(url('extension/pkg/precall.js') + (loads ? `?v=${loads}` : ''));
    loads += 1;
    try {
      await glue.default({ module_or_path: url('extension/pkg/precall_bg.wasm') });
      return { inPage: true, check: async (input) => glue.check_page(input), key: () => glue.current_patient_key() };
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
      key: null, // no cheap key here: re-check after the page settles
    };
  }

  async function run() {
    timer = 0;
    if (!core || running) return;
    running = true;
    let key;
    try { key = core.key && core.key(); } catch { /* read again after the check */ }
    try {
      const result = await core.check({ config: settings.config, now_ms: now() });
      lastKey = result.patient_key;
      const drawn = JSON.stringify([result.status, result.panel, result.error]);
      if (drawn === lastPanel) return;
      lastPanel = drawn;
      if (result.status === 'ok') precallOverlay.show(result.panel);
      else if (result.status === 'input_error') precallOverlay.message(result.error, words());
      else if (result.status === 'too_large') precallOverlay.message(words().too_large, words());
      else precallOverlay.hide();
    } catch (err) {
      failed(err, key);
    } finally {
      running = false;
    }
  }

  // A trap inside the core (a Rust panic): never let it reach the MIS. No patient data in the
  // log. The trap can leave the wasm instance unusable: a fresh one is loaded for the next
  // page (the engine page is restarted by the service worker instead).
  function failed(err, key) {
    console.warn('precall: check failed', err && err.name);
    lastPanel = '';
    lastKey = key; // not this patient again until the page changes
    const stage = err && err.stage;
    precallOverlay.message(stage === 'load' ? words().load : stage === 'too_large' ? words().too_large : words().fail, words());
    if (core && core.inPage) reload();
  }

  async function reload() {
    core = null;
    if (loads >= MAX_LOADS) return;
    try { core = await loadCore(); } catch (err) { console.warn('precall: the core could not load', err && err.name); }
    if (core) onMutations(); // the page may have moved on meanwhile
  }

  function schedule() {
    if (!timer) timer = setTimeout(run, QUIET_MS);
  }

  // SPA: re-check when the shown patient changes, not on every unrelated mutation.
  function onMutations() {
    if (timer || !core) return;
    if (!core.key) return schedule();
    let key;
    try { key = core.key(); } catch (err) { return failed(err, lastKey); }
    if (key !== lastKey) schedule();
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
