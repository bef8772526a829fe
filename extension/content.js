// Content script (isolated world). Thin on purpose: load the wasm core, hand it the settings
// and the time, and re-run when an SPA switches patients. All logic lives in Rust.
// It must never break the MIS: every failure ends in a plain message, never an exception.
(() => {
  'use strict';
  const WASM_URL = chrome.runtime.getURL('extension/pkg/precall_bg.wasm');
  const QUIET_MS = 120; // wait for an SPA re-render to settle before reading the page
  let core = null;      // the wasm-bindgen module once loaded
  let settings = { config: null, clock: null };
  let lastKey;          // the patient key the overlay was drawn for
  let timer = 0;

  function locale() {
    const l = settings.config && settings.config.locale;
    return l === 'en' ? 'en' : 'ru';
  }

  // A plain message when the wasm core is not available: drawn here, since Rust cannot.
  function fallback(kind) {
    const text = {
      ru: { load: 'Проверка перед звонком не загрузилась. Страница МИС работает как обычно.',
            fail: 'Проверка не удалась — сообщите, пожалуйста. Страница МИС работает как обычно.' },
      en: { load: 'The pre-call check could not load. The MIS page works as usual.',
            fail: 'Check failed - please report. The MIS page works as usual.' },
    }[locale()][kind];
    let host = document.querySelector('precall-fallback');
    if (!host) {
      host = document.createElement('precall-fallback');
      host.style.setProperty('position', 'fixed');
      host.style.setProperty('right', '16px');
      host.style.setProperty('bottom', '16px');
      host.style.setProperty('z-index', '2147483646');
      const root = host.attachShadow({ mode: 'closed' });
      const p = document.createElement('p');
      p.setAttribute('role', 'status');
      p.setAttribute('data-testid', 'fallback');
      for (const [k, v] of [['margin', '0'], ['padding', '10px 12px'], ['max-width', '320px'],
        ['font', '13px/1.4 system-ui, sans-serif'], ['color', '#1d232a'], ['background', '#fff'],
        ['border', '1px solid #c9d1d9'], ['border-left', '6px solid #c62828'], ['border-radius', '8px']]) {
        p.style.setProperty(k, v);
      }
      root.append(p);
      host.precallText = p;
      document.documentElement.append(host);
    }
    host.precallText.textContent = text;
  }

  function now() {
    // A trainer's demo clock from settings, else the real time.
    const fixed = settings.clock && Date.parse(settings.clock);
    return Number.isFinite(fixed) ? fixed : Date.now();
  }

  function run() {
    timer = 0;
    if (!core) return;
    try {
      const result = core.check_page({ config: settings.config, now_ms: now() });
      lastKey = result.patient_key;
    } catch (err) {
      // A trap inside the wasm: never let it reach the MIS. No patient data in the log.
      console.warn('precall: check failed', err && err.name);
      fallback('fail');
    }
  }

  function schedule() {
    if (!timer) timer = setTimeout(run, QUIET_MS);
  }

  // SPA: re-check when the shown patient changes, not on every unrelated mutation.
  function onMutations() {
    if (timer || !core) return;
    let key;
    try { key = core.current_patient_key(); } catch { return; }
    if (key !== lastKey) schedule();
  }

  async function start() {
    try {
      const stored = await chrome.storage.local.get('settings');
      if (stored.settings) settings = stored.settings;
    } catch { /* storage unavailable: defaults */ }
    try {
      await wasm_bindgen({ module_or_path: WASM_URL });
      core = wasm_bindgen;
    } catch (err) {
      console.warn('precall: the wasm core could not load', err && err.name);
      fallback('load');
      return;
    }
    run();
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
