// Teach mode (content script, isolated world, document_start): the user picks a field the
// profile did not read, then clicks the element on the page that shows it. While picking, the
// click (and the presses around it) is captured on the window before any page listener and
// never reaches the MIS. The clicked element goes to the core as data (its ancestry and the
// label next to it); the core proposes the place, checks it on the page and previews what it
// reads. Drawn in a closed shadow root, text only. Exposes one object, precallTeach.
(() => {
  'use strict';
  const CSS = `
:host { all: initial; position: fixed; top: 0; left: 0; width: 0; height: 0; z-index: 2147483647; }
.box.up { bottom: auto; top: 16px; }
.hl { position: fixed; pointer-events: none; border: 2px solid #1f6feb; background: rgba(31,111,235,.12); border-radius: 3px; display: none; }
.box { position: fixed; bottom: 16px; left: 16px; box-sizing: border-box; width: 360px; max-width: calc(100vw - 32px);
  font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1d232a; background: #fff;
  border: 1px solid #c9d1d9; border-left: 6px solid #1f6feb; border-radius: 8px; box-shadow: 0 6px 24px rgba(0,0,0,.18);
  padding: 8px 12px 10px; overflow-wrap: anywhere; }
h2 { margin: 0 0 6px; font-size: 14px; }
p { margin: 4px 0; white-space: pre-wrap; }
.value { font-weight: 600; unicode-bidi: isolate; }
.place { font-family: ui-monospace, monospace; font-size: 12px; color: #4a5561; }
.problem { color: #b71c1c; }
.list, .actions { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
button { font: inherit; min-height: 28px; border: 1px solid #c9d1d9; border-radius: 6px; background: #fff; color: #1d232a; cursor: pointer; }
button.primary { background: #1f6feb; border-color: #1f6feb; color: #fff; }
button:focus-visible { outline: 2px solid #1f6feb; outline-offset: 1px; }
@media (prefers-color-scheme: dark) {
  .box { color: #e6edf3; background: #161b22; border-color: #30363d; border-left-color: #1f6feb; }
  button { background: #21262d; color: #e6edf3; border-color: #30363d; }
  .place { color: #9da7b3; }
}`;
  // Attributes worth anchoring on (the core decides which values are stable).
  const ANCHORS = /^(name|itemprop|aria-label|role|type|for|data-[\w-]+)$/;
  let host = null;
  let root = null;
  let hl = null;
  let box = null;
  let api = null;       // { targets, words, preview(target, picked), save(profile) } from content.js
  let picking = null;   // the target being picked
  let current = null;   // the highlighted element

  const norm = (s) => (s || '').replace(/[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/g, '').replace(/\s+/g, ' ').trim();

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text != null) e.textContent = String(text);
    return e;
  }

  function button(text, testid, onClick, className) {
    const b = el('button', className || '', text);
    b.type = 'button';
    b.setAttribute('data-testid', testid);
    b.addEventListener('click', onClick);
    return b;
  }

  function ensureHost() {
    if (!host) {
      host = document.createElement('precall-teach');
      root = host.attachShadow({ mode: 'closed' });
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
      hl = el('div', 'hl');
      box = el('div', 'box');
      box.setAttribute('role', 'dialog');
      box.addEventListener('keydown', (e) => { if (e.key === 'Escape') close(); });
      root.append(hl, box);
    }
    if (!host.isConnected) document.documentElement.append(host);
  }

  /** Replaces the box's content: a heading, then `parts`. `state` is for tests and styles. */
  function draw(state, parts) {
    ensureHost();
    box.setAttribute('data-state', state);
    box.setAttribute('aria-label', api.words.title);
    box.replaceChildren(el('h2', '', api.words.title), ...parts);
    // While picking, the keys belong to the page (the keyboard alternative); otherwise to the box.
    const first = box.querySelector('button');
    if (state === 'picking') { if (root.activeElement) root.activeElement.blur(); } else if (first) first.focus();
  }

  function targets() {
    const w = api.words;
    if (!api.targets.length) return draw('targets', [el('p', '', w.none), actions(false)]);
    const list = el('div', 'list');
    for (const t of api.targets) list.append(button(w.target(t), `teach-target-${t}`, () => pick(t)));
    draw('targets', [el('p', '', w.choose), list, actions(false)]);
  }

  function actions(withSave, onSave) {
    const row = el('div', 'actions');
    if (withSave) {
      row.append(button(api.words.save, 'teach-save', onSave, 'primary'));
      row.append(button(api.words.again, 'teach-again', () => pick(picking || withSave)));
    }
    row.append(button(api.words.cancel, 'teach-cancel', close));
    return row;
  }

  function pick(target) {
    picking = target;
    current = null;
    draw('picking', [el('p', '', api.words.pick(api.words.target(target))), actions(false)]);
    // The keyboard alternative starts from whatever has the page's focus.
    if (document.activeElement && document.activeElement !== document.body) highlight(document.activeElement);
  }

  function ours(node) {
    return host && (node === host || (node.composedPath ? node.composedPath().includes(host) : false));
  }

  function highlight(node) {
    if (!(node instanceof Element) || node === document.documentElement || node.localName.startsWith('precall-')) return;
    current = node;
    const r = node.getBoundingClientRect();
    Object.assign(hl.style, { display: 'block', top: `${r.top}px`, left: `${r.left}px`, width: `${r.width}px`, height: `${r.height}px` });
  }

  /** The label shown next to the element: label[for], its dt, the row's th, its own "Label: ...", the element before it, the parent's "Label: ...". */
  function labelNear(node) {
    const short = (s) => (s && s.length <= 60 ? s : null);
    const text = (n) => (n ? norm(n.textContent) : '');
    if (node.id) {
      const l = document.querySelector(`label[for="${CSS.escape(node.id)}"]`);
      if (l) return short(text(l));
    }
    if (node.localName === 'dd') {
      let p = node.previousElementSibling;
      while (p && p.localName !== 'dt') p = p.previousElementSibling;
      if (p) return short(text(p));
    }
    if (node.localName === 'td' && node.parentElement) {
      const th = node.parentElement.querySelector('th');
      if (th) return short(text(th));
    }
    const own = /^([^:]{1,40}):/.exec(text(node));
    if (own) return own[1];
    const prev = text(node.previousElementSibling);
    if (prev && prev.length <= 40) return prev;
    const m = /^([^:]{1,40}):/.exec(text(node.parentElement));
    return m ? m[1] : null;
  }

  /** The clicked element as data: itself, then its ancestors up to body. */
  function describe(node) {
    const path = [];
    for (let n = node; n && n.nodeType === 1 && path.length < 16; n = n.parentElement) {
      const tag = n.localName;
      if (tag === 'html') break;
      const same = n.parentElement ? [...n.parentElement.children].filter((c) => c.localName === tag) : [n];
      const attrs = {};
      for (const a of n.attributes) if (ANCHORS.test(a.name) && a.value.length <= 80) attrs[a.name] = a.value;
      path.push({ tag, id: n.id || null, classes: [...n.classList].slice(0, 12), attrs, nth: same.indexOf(n) + 1, of_type: same.length });
      if (tag === 'body') break;
    }
    return { path, label: labelNear(node), text: norm(node.textContent).slice(0, 300) };
  }

  // A list is taught by its container: a click on a cell or an item means its table or list.
  const LISTS = new Set(['contacts', 'appointments', 'visits', 'refusals']);
  const CONTAINER = 'table, ul, ol, dl, [role=grid], [role=table], [role=list]';

  async function chosen(picked) {
    const target = picking;
    const node = (LISTS.has(target) && picked.closest(CONTAINER)) || picked;
    picking = null;
    hl.style.display = 'none';
    draw('checking', [el('p', '', api.words.checking)]);
    let res;
    try {
      res = await api.preview(target, describe(node));
    } catch {
      res = null;
    }
    picking = null;
    const w = api.words;
    if (!res || !res.teach) {
      const why = (res && res.error) || w.unavailable;
      draw('failed', [el('p', 'problem', w.failed(why)), againRow(target)]);
      return;
    }
    const t = res.teach;
    const place = el('p', 'place', w.place(t.described));
    place.setAttribute('data-testid', 'teach-place');
    const read = t.rows != null ? el('p', 'value', w.rows(t.rows))
      : t.value != null ? el('p', 'value', w.value(t.value))
      : el('p', 'problem', w.not_found);
    read.setAttribute('data-testid', 'teach-value');
    const save = async () => {
      const ok = await api.save(t.profile);
      const msg = el('p', ok ? '' : 'problem', ok ? w.saved(t.profile.name) : w.save_failed);
      msg.setAttribute('data-testid', 'teach-result');
      draw(ok ? 'saved' : 'failed', [msg, actions(false)]);
    };
    const row = actions(target, save);
    draw('preview', [place, read, row]);
  }

  function againRow(target) {
    const row = el('div', 'actions');
    row.append(button(api.words.again, 'teach-again', () => pick(target)));
    row.append(button(api.words.cancel, 'teach-cancel', close));
    return row;
  }

  function close() {
    picking = null;
    current = null;
    if (host) host.remove();
  }

  // ---- Capture while picking: registered at document_start, before any page listener ----

  function block(e) {
    if (!picking || !e.isTrusted || ours(e)) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    if (e.type === 'click' && e.target instanceof Element) chosen(e.target);
  }
  for (const type of ['pointerdown', 'pointerup', 'mousedown', 'mouseup', 'click', 'dblclick', 'auxclick', 'contextmenu']) {
    window.addEventListener(type, block, true);
  }
  window.addEventListener('mousemove', (e) => {
    if (!picking) return;
    // The box moves out of the way of what the user is pointing at.
    if (ours(e)) box.classList.toggle('up');
    else highlight(e.target);
  }, true);
  window.addEventListener('focusin', (e) => { if (picking && !ours(e)) highlight(e.target); }, true);
  window.addEventListener('keydown', (e) => {
    if (!picking || !e.isTrusted) return;
    const moves = {
      ArrowUp: (n) => n.parentElement !== document.documentElement && n.parentElement,
      ArrowDown: (n) => n.firstElementChild,
      ArrowLeft: (n) => n.previousElementSibling,
      ArrowRight: (n) => n.nextElementSibling,
    };
    if (e.key === 'Escape') close();
    else if (e.key === 'Enter' && current) chosen(current);
    else if (moves[e.key]) highlight(moves[e.key](current || document.body) || current || document.body);
    else return;
    e.preventDefault();
    e.stopImmediatePropagation();
  }, true);

  /** Opens teach mode. `options`: { targets, words, preview(target, picked) -> result, save(profile) -> bool }. */
  function start(options) {
    api = options;
    picking = null;
    targets();
  }

  globalThis.precallTeach = { start, close, get open() { return !!(host && host.isConnected); } };
})();
