// The words the extension's own pages show, from _locales/<lang>/messages.json (Chrome's
// format, so the manifest's __MSG_*__ names and chrome.i18n read the same files). The language
// is the user's choice (settings.config.locale) or else the browser's: chrome.i18n alone always
// follows the browser, so the chosen file is read here once and kept.
//
//   await precallI18n.load();                 // picks and reads the language
//   precallI18n.t('options_status', 3, 12)    // "$name$" placeholders, then $1..$9
//   precallI18n.apply(document)               // [data-i18n] -> textContent, [data-i18n-label] -> aria-label
(() => {
  'use strict';
  const SUPPORTED = ['ru', 'en'];
  let lang = 'ru';
  let messages = {};

  /** The language to use: the user's choice if supported, else the browser's (ru for Russian, en otherwise). */
  function pick(choice) {
    if (SUPPORTED.includes(choice)) return choice;
    const ui = (chrome.i18n && chrome.i18n.getUILanguage ? chrome.i18n.getUILanguage() : navigator.language) || '';
    return ui.toLowerCase().startsWith('ru') ? 'ru' : 'en';
  }

  async function read(code) {
    const res = await fetch(chrome.runtime.getURL(`_locales/${code}/messages.json`));
    return res.json();
  }

  /** Reads the language's messages; `choice` overrides the stored setting (a page that just changed it). */
  async function load(choice) {
    if (choice === undefined) {
      try {
        const { settings } = await chrome.storage.local.get('settings');
        choice = settings && settings.config && settings.config.locale;
      } catch { /* storage unavailable: the browser's language */ }
    }
    lang = pick(choice);
    messages = await read(lang);
    return lang;
  }

  /** One message with its arguments, the way chrome.i18n.getMessage substitutes them. */
  function t(key, ...args) {
    const entry = messages[key];
    if (!entry) return key;
    const subs = args.map((a) => String(a));
    let text = entry.message.replace(/\$([a-zA-Z0-9_@]+)\$/g, (whole, name) => {
      const p = entry.placeholders && (entry.placeholders[name] || entry.placeholders[name.toLowerCase()]);
      return p ? p.content : whole;
    });
    text = text.replace(/\$(\d)/g, (_, n) => subs[Number(n) - 1] ?? '');
    return text.replace(/\$\$/g, '$');
  }

  /** Fills every [data-i18n] element's text and [data-i18n-label] aria-label under `root`. */
  function apply(root) {
    for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.getAttribute('data-i18n'));
    for (const node of root.querySelectorAll('[data-i18n-label]')) node.setAttribute('aria-label', t(node.getAttribute('data-i18n-label')));
    if (root.documentElement) root.documentElement.lang = lang;
  }

  globalThis.precallI18n = { load, t, apply, get lang() { return lang; }, SUPPORTED };
})();
