// Draws the panel the Rust core returns (plain data, already worded) into a closed shadow
// root. Page text only ever goes in through textContent; links are limited to the dial and
// messenger schemes; our stylesheet is constructed, so the page's CSP and CSS do not touch it.
// The host is position: fixed (no layout shift), collapsible and movable.
// Runs in the content script's isolated world; exposes one object, precallOverlay.
(() => {
  'use strict';
  const CSS = `
:host { all: initial; position: fixed; z-index: 2147483646; right: 16px; bottom: 16px; contain: layout style; }
:host([data-corner="bottom-left"]) { right: auto; left: 16px; }
:host([data-corner="top-left"]) { right: auto; left: 16px; bottom: auto; top: 16px; }
:host([data-corner="top-right"]) { bottom: auto; top: 16px; }
.panel { box-sizing: border-box; width: 380px; max-width: calc(100vw - 32px); max-height: 75vh;
  display: flex; flex-direction: column; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: #1d232a; background: #fff; border: 1px solid #c9d1d9; border-left: 6px solid #6b7785; border-radius: 8px;
  box-shadow: 0 6px 24px rgba(0,0,0,.18); overflow: hidden; overflow-wrap: anywhere; }
.panel.v-do_not_contact, .panel.v-error { border-left-color: #c62828; }
.panel.v-not_verified { border-left-color: #8d6e00; }
.panel.v-wait { border-left-color: #e08a00; }
.panel.v-message_only { border-left-color: #1f6feb; }
.panel.v-call { border-left-color: #2e7d32; }
header { display: flex; align-items: center; gap: 8px; padding: 8px 10px; background: #f3f5f7; border-bottom: 1px solid #e1e5ea; }
.brand { font-weight: 600; color: #4a5561; font-size: 12px; }
.badge { flex: 1; font-weight: 700; font-size: 14px; }
.v-do_not_contact .badge, .v-error .badge { color: #b71c1c; }
.v-not_verified .badge { color: #7a5d00; }
.v-wait .badge { color: #a35f00; }
.v-message_only .badge { color: #1558c0; }
.v-call .badge { color: #1b5e20; }
button { font: inherit; min-height: 28px; border: 1px solid #c9d1d9; border-radius: 6px; background: #fff; color: #1d232a; cursor: pointer; }
button.icon { min-width: 28px; }
button:focus-visible, a:focus-visible, summary:focus-visible { outline: 2px solid #1f6feb; outline-offset: 1px; }
.body { padding: 6px 12px 10px; overflow-y: auto; }
.collapsed .body { display: none; }
.who { margin: 4px 0 0; font-weight: 600; font-size: 14px; unicode-bidi: isolate; }
.subtitle { margin: 2px 0 6px; font-weight: 600; }
.prefs { margin: 4px 0 8px; padding: 6px 8px; background: #f6f8fa; border-radius: 6px; }
.prefs .label { color: #4a5561; }
.uncertain { color: #a35f00; font-weight: 600; }
summary { cursor: pointer; color: #1558c0; }
.note, .line, .draft-text { margin: 2px 0 0; white-space: pre-wrap; unicode-bidi: isolate; }
.note { color: #4a5561; }
section.g { margin-top: 8px; }
h3 { margin: 0 0 2px; font-size: 12px; text-transform: uppercase; letter-spacing: .02em; color: #4a5561; }
ul { margin: 0; padding-left: 18px; }
li { margin: 2px 0; unicode-bidi: isolate; }
.g-do_not h3, .g-do_not li { color: #b71c1c; }
.g-do_not li { font-weight: 600; }
.g-before h3 { color: #a35f00; }
.g-reasons h3 { color: #1b5e20; }
.g-not_verified h3 { color: #7a5d00; }
.g-not_verified li { font-style: italic; }
.script { margin-top: 10px; border-top: 1px solid #e1e5ea; padding-top: 6px; }
.actions { display: flex; gap: 6px; align-items: center; margin-top: 4px; }
.draft { margin-top: 6px; padding: 6px 8px; background: #f6f8fa; border-radius: 6px; }
.problem { color: #b71c1c; }
@media (prefers-color-scheme: dark) {
  .panel { color: #e6edf3; background: #161b22; border-color: #30363d; }
  header { background: #0d1117; border-bottom-color: #30363d; }
  .brand, .prefs .label, h3, .note { color: #9da7b3; }
  .prefs, .draft { background: #0d1117; }
  button { background: #21262d; color: #e6edf3; border-color: #30363d; }
  .v-call .badge, .g-reasons h3 { color: #56d364; }
  .v-do_not_contact .badge, .v-error .badge, .g-do_not h3, .g-do_not li, .problem { color: #ff7b72; }
  .v-wait .badge, .g-before h3, .uncertain { color: #e3b341; }
  .v-message_only .badge, summary { color: #79c0ff; }
  .v-not_verified .badge, .g-not_verified h3 { color: #d29922; }
}`;
  const CORNERS = ['bottom-right', 'bottom-left', 'top-left', 'top-right'];
  // Only links that dial or open a messenger; anything else is shown as text.
  const SAFE_LINK = /^(https:\/\/(wa\.me|api\.whatsapp\.com|t\.me)\/|sms:|mailto:|tel:|tg:|viber:)/i;
  const ui = { collapsed: false, corner: 0 };
  let host = null;
  let root = null;
  // From content.js: the outcome form from the panel, and the dial guard for our own links.
  let hooks = {};

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text != null) e.textContent = String(text);
    return e;
  }

  function button(label, glyph, onClick, className = 'icon') {
    const b = el('button', className, glyph);
    b.type = 'button';
    b.title = label;
    b.setAttribute('aria-label', label);
    b.addEventListener('click', onClick);
    return b;
  }

  function ensureHost() {
    if (!host) {
      host = document.createElement('precall-overlay');
      root = host.attachShadow({ mode: 'closed' });
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    }
    // An SPA may have replaced the document's content: re-attach, never duplicate.
    if (!host.isConnected) document.documentElement.append(host);
    host.setAttribute('data-corner', CORNERS[ui.corner]);
    return root;
  }

  async function copy(text, btn, words) {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const area = el('textarea', '', text);
      root.append(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    btn.textContent = words.copied;
    setTimeout(() => { btn.textContent = words.copy; }, 1500);
  }

  function header(title, verdictClass, words) {
    const head = el('header');
    head.append(el('span', 'brand', words.brand));
    const badge = el('span', 'badge', title);
    badge.setAttribute('data-testid', 'verdict');
    head.append(badge);
    head.append(button(words.move_corner, '⇆', () => {
      ui.corner = (ui.corner + 1) % CORNERS.length;
      host.setAttribute('data-corner', CORNERS[ui.corner]);
    }));
    head.append(button(words.collapse, '▁', () => {
      ui.collapsed = !ui.collapsed;
      root.firstElementChild.classList.toggle('collapsed', ui.collapsed);
    }));
    return head;
  }

  function scriptSection(out, words) {
    const box = el('section', 'script');
    box.setAttribute('data-group', 'script');
    if (out.script && out.script.lines.length) {
      const details = el('details');
      details.open = true;
      details.append(el('summary', '', words.script));
      const text = out.script.lines.map((l) => l.text).join('\n');
      for (const line of out.script.lines) {
        const p = el('p', 'line', line.text);
        p.setAttribute('data-part', line.part);
        details.append(p);
      }
      const actions = el('div', 'actions');
      const b = button(words.copy, words.copy, () => copy(text, b, words), '');
      b.setAttribute('data-testid', 'copy-script');
      actions.append(b);
      details.append(actions);
      box.append(details);
    } else if (out.no_script_reason) {
      box.append(el('p', 'line', out.no_script_reason));
    }
    for (const d of out.drafts || []) {
      const draft = el('div', 'draft');
      draft.setAttribute('data-channel', d.channel);
      draft.append(el('h3', '', `${words.drafts}: ${d.channel}${d.to ? ' · ' + d.to : ''}`));
      draft.append(el('p', 'draft-text', d.text));
      if (d.problem) draft.append(el('p', 'problem', d.problem));
      const actions = el('div', 'actions');
      const b = button(words.copy, words.copy, () => copy(d.text, b, words), '');
      actions.append(b);
      if (d.url && SAFE_LINK.test(d.url)) {
        const a = el('a', '', words.open);
        a.setAttribute('href', d.url);
        a.setAttribute('data-testid', `draft-open-${d.channel}`);
        a.setAttribute('target', '_blank');
        a.setAttribute('rel', 'noopener noreferrer');
        // Our own message links go through the dial guard too (the check, the log).
        a.addEventListener('click', (e) => {
          if (hooks.onLink && e.isTrusted && hooks.onLink(d.url, d.channel)) e.preventDefault();
        });
        actions.append(a);
      }
      draft.append(actions);
      box.append(draft);
    }
    return box;
  }

  /** Replaces the overlay's content with the panel. `extra`: { outcomeLabel, onOutcome, onLink }. */
  function show(panel, extra) {
    hooks = extra || {};
    const shadow = ensureHost();
    const words = panel.words;
    const box = el('div', `panel v-${panel.verdict}`);
    box.setAttribute('role', 'complementary');
    box.setAttribute('aria-label', words.brand);
    box.setAttribute('data-verdict', panel.verdict);
    box.classList.toggle('collapsed', ui.collapsed);
    box.append(header(panel.title, panel.verdict, words));
    const body = el('div', 'body');
    if (panel.who) {
      const who = el('p', 'who', panel.who);
      who.setAttribute('data-testid', 'who');
      body.append(who);
    }
    if (panel.subtitle) body.append(el('p', 'subtitle', panel.subtitle));
    if (panel.preferences != null) {
      const prefs = el('div', 'prefs');
      prefs.setAttribute('data-testid', 'preferences');
      prefs.append(el('span', 'label', `${words.contact_reading}: `), el('span', 'reading', panel.preferences));
      if (panel.uncertain) prefs.append(el('span', 'uncertain', ` ⚠ ${words.uncertain}`));
      if (panel.notes.length) {
        const details = el('details');
        details.append(el('summary', '', words.original_note));
        for (const note of panel.notes) details.append(el('p', 'note', note));
        prefs.append(details);
      }
      body.append(prefs);
    }
    for (const group of panel.groups) {
      const section = el('section', `g g-${group.kind}`);
      section.setAttribute('data-group', group.kind);
      section.append(el('h3', '', group.heading));
      const list = el('ul');
      for (const item of group.items) {
        const li = el('li', '', item.text);
        if (item.source) li.setAttribute('data-source', item.source);
        list.append(li);
      }
      section.append(list);
      body.append(section);
    }
    if (panel.script) body.append(scriptSection(panel.script, words));
    if (hooks.onOutcome && hooks.outcomeLabel) {
      const actions = el('div', 'actions');
      const b = button(hooks.outcomeLabel, hooks.outcomeLabel, () => hooks.onOutcome(), '');
      b.setAttribute('data-testid', 'outcome-open');
      actions.append(b);
      body.append(actions);
    }
    box.append(body);
    shadow.replaceChildren(box);
  }

  /** Shows the panel expanded and moves the keyboard focus to it (the keyboard shortcut). */
  function open() {
    if (!host || !host.isConnected || !root.firstElementChild) return false;
    ui.collapsed = false;
    const box = root.firstElementChild;
    box.classList.remove('collapsed');
    box.setAttribute('tabindex', '-1');
    const first = box.querySelector('[data-testid="outcome-open"]') || box;
    first.focus();
    return true;
  }

  /** A plain message in place of the panel (the check could not run). */
  function message(text, words) {
    const shadow = ensureHost();
    const box = el('div', 'panel v-error');
    box.setAttribute('role', 'status');
    box.setAttribute('data-testid', 'message');
    box.append(header('!', 'error', words));
    const body = el('div', 'body');
    body.append(el('p', 'line', text));
    box.append(body);
    shadow.replaceChildren(box);
  }

  /** Removes the overlay (a page that is not a patient card). */
  function hide() {
    if (host) host.remove();
  }

  globalThis.precallOverlay = { show, message, hide, open };
})();
