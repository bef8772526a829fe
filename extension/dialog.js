// The dial guard's dialog and the call-outcome form, drawn from plain data the core returns
// (already worded) into a closed shadow root, like the overlay: page text only through
// textContent, a constructed stylesheet, position: fixed. Keyboard first: Enter dials (or
// saves), Escape cancels, 1-7 pick an outcome. Keys pressed inside do not reach the page.
// Exposes one object, precallDialog.
(() => {
  'use strict';
  const CSS = `
:host { all: initial; position: fixed; z-index: 2147483647; inset: 0; display: flex; align-items: flex-start;
  justify-content: center; padding-top: 10vh; background: rgba(0,0,0,.18); contain: layout style; }
.box { box-sizing: border-box; width: 440px; max-width: calc(100vw - 32px); max-height: 80vh; overflow-y: auto;
  font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1d232a; background: #fff;
  border: 1px solid #c9d1d9; border-top: 6px solid #6b7785; border-radius: 8px; box-shadow: 0 10px 32px rgba(0,0,0,.28);
  padding: 10px 14px 12px; overflow-wrap: anywhere; }
.box.blocked { border-top-color: #c62828; }
.box.ok { border-top-color: #2e7d32; }
.box.wait, .box.not_verified { border-top-color: #e08a00; }
.brand { font-size: 11px; font-weight: 600; color: #4a5561; text-transform: uppercase; letter-spacing: .03em; }
h2 { margin: 2px 0 2px; font-size: 15px; unicode-bidi: isolate; }
.verdict { margin: 0 0 6px; font-weight: 700; }
.blocked .verdict { color: #b71c1c; }
.ok .verdict { color: #1b5e20; }
h3 { margin: 8px 0 2px; font-size: 11px; text-transform: uppercase; letter-spacing: .02em; color: #4a5561; }
.g-do_not h3, .g-do_not li { color: #b71c1c; }
.g-do_not li { font-weight: 600; }
.g-before h3 { color: #a35f00; }
.g-reasons h3 { color: #1b5e20; }
ul { margin: 0; padding-left: 18px; }
li { margin: 2px 0; unicode-bidi: isolate; }
details { margin-top: 6px; }
summary { cursor: pointer; color: #1558c0; }
.line { margin: 2px 0 0; white-space: pre-wrap; unicode-bidi: isolate; }
fieldset { border: 1px solid #e1e5ea; border-radius: 6px; margin: 10px 0 0; padding: 6px 8px; }
legend { font-weight: 600; padding: 0 4px; }
label { display: block; margin: 2px 0; cursor: pointer; }
input[type="text"], input[type="datetime-local"], select { font: inherit; box-sizing: border-box; min-height: 28px;
  border: 1px solid #c9d1d9; border-radius: 6px; padding: 2px 6px; background: #fff; color: #1d232a; }
input[type="text"] { width: 100%; }
.actions { display: flex; gap: 8px; justify-content: flex-end; margin-top: 12px; flex-wrap: wrap; }
button { font: inherit; min-height: 30px; padding: 2px 12px; border: 1px solid #c9d1d9; border-radius: 6px; background: #fff;
  color: #1d232a; cursor: pointer; }
button.primary { background: #1f6feb; border-color: #1f6feb; color: #fff; font-weight: 600; }
button.danger { background: #c62828; border-color: #c62828; color: #fff; font-weight: 600; }
button:disabled { opacity: .45; cursor: not-allowed; }
button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible { outline: 2px solid #1f6feb; outline-offset: 1px; }
.outcomes { display: grid; grid-template-columns: 1fr 1fr; gap: 6px; margin-top: 6px; }
.outcomes button { text-align: left; }
.outcomes button[aria-pressed="true"] { background: #1f6feb; border-color: #1f6feb; color: #fff; }
.key { display: inline-block; min-width: 1.2em; font-weight: 700; opacity: .7; }
.row { display: flex; gap: 8px; align-items: center; margin-top: 8px; flex-wrap: wrap; }
.row > span { color: #4a5561; }
.hint { margin-top: 8px; font-size: 11px; color: #6b7785; }
.status { margin-top: 8px; font-weight: 600; }
.status.error { color: #b71c1c; }
.status.saved { color: #1b5e20; }
@media (prefers-color-scheme: dark) {
  .box { color: #e6edf3; background: #161b22; border-color: #30363d; }
  button, input[type="text"], input[type="datetime-local"], select { background: #21262d; color: #e6edf3; border-color: #30363d; }
  .brand, h3, .row > span, .hint { color: #9da7b3; }
  .blocked .verdict, .g-do_not h3, .g-do_not li, .status.error { color: #ff7b72; }
  .ok .verdict, .g-reasons h3, .status.saved { color: #56d364; }
}`;
  const SHOWN_GROUPS = ['do_not', 'before', 'reasons'];
  let host = null;
  let root = null;
  let keyHandler = null;
  let lastFocus = null;

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text != null) e.textContent = String(text);
    return e;
  }

  function button(text, className, onClick, testid) {
    const b = el('button', className, text);
    b.type = 'button';
    if (testid) b.setAttribute('data-testid', testid);
    b.addEventListener('click', onClick);
    return b;
  }

  function ensureHost() {
    if (!host) {
      host = document.createElement('precall-dialog');
      root = host.attachShadow({ mode: 'closed' });
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
      // Handled inside the shadow root (targets are not retargeted there), then stopped at the
      // host: keys typed in the dialog are ours, the MIS's shortcuts must not see them.
      root.addEventListener('keydown', (e) => { if (keyHandler) keyHandler(e); });
      for (const type of ['keydown', 'keyup', 'keypress']) host.addEventListener(type, (e) => e.stopPropagation());
      // A click on the dimmed backdrop does nothing (a stray click must not cancel or dial).
    }
    if (!host.isConnected) {
      lastFocus = document.activeElement;
      document.documentElement.append(host);
    }
    return root;
  }

  function close() {
    keyHandler = null;
    if (host) host.remove();
    if (lastFocus && typeof lastFocus.focus === 'function' && lastFocus.isConnected) {
      try { lastFocus.focus({ preventScroll: true }); } catch { /* the page's element */ }
    }
    lastFocus = null;
  }

  function frame(words, className, title) {
    const shadow = ensureHost();
    const box = el('div', `box ${className}`);
    box.setAttribute('role', 'dialog');
    box.setAttribute('aria-modal', 'true');
    box.setAttribute('aria-label', `${words.brand}: ${title}`);
    box.append(el('div', 'brand', words.brand));
    const h = el('h2', '', title);
    h.setAttribute('data-testid', 'dial-title');
    box.append(h);
    shadow.replaceChildren(box);
    return box;
  }

  /** "Checking…" while the core judges the contact (the engine path takes a moment). */
  function checking(words, title) {
    const box = frame(words, '', title || words.checking);
    box.setAttribute('data-state', 'checking');
    box.append(el('p', 'line', words.checking));
    keyHandler = (e) => { if (e.key === 'Escape') { e.preventDefault(); close(); } };
  }

  /** The check could not run: the administrator may dial as usual or cancel. */
  function failed(words, title, onDial) {
    const box = frame(words, '', title || words.brand);
    box.setAttribute('data-state', 'failed');
    box.append(el('p', 'line', words.check_failed));
    const actions = el('div', 'actions');
    const go = button(words.dial_call, 'primary', () => { close(); onDial(null); }, 'dial');
    actions.append(go, button(words.cancel, '', close, 'cancel'));
    box.append(actions);
    keyHandler = (e) => {
      if (e.key === 'Escape') { e.preventDefault(); close(); }
    };
    go.focus();
  }

  function groupsOf(panel) {
    const frag = document.createDocumentFragment();
    for (const kind of SHOWN_GROUPS) {
      const group = (panel.groups || []).find((g) => g.kind === kind);
      if (!group) continue;
      const section = el('section', `g g-${kind}`);
      section.setAttribute('data-group', kind);
      section.append(el('h3', '', group.heading));
      const list = el('ul');
      for (const item of group.items) {
        const li = el('li', '', item.text);
        if (item.source) li.setAttribute('data-source', item.source);
        list.append(li);
      }
      section.append(list);
      frag.append(section);
    }
    return frag;
  }

  function scriptOf(panel, words, channel) {
    const out = panel.script;
    if (!out) return null;
    const details = el('details');
    details.setAttribute('data-group', 'script');
    details.append(el('summary', '', words.script));
    let any = false;
    if (channel === 'call' && out.script && out.script.lines.length) {
      for (const line of out.script.lines) details.append(el('p', 'line', line.text));
      any = true;
    } else {
      const draft = (out.drafts || []).find((d) => d.channel === channel) || (out.drafts || [])[0];
      if (draft) { details.append(el('p', 'line', draft.text)); any = true; }
    }
    if (!any && out.no_script_reason) { details.append(el('p', 'line', out.no_script_reason)); any = true; }
    if (!any) return null;
    details.open = !out.no_script_reason || channel !== 'call';
    return details;
  }

  /**
   * The dialog before a dial: the verdict for this channel and number now, blocks first, then
   * warnings, the reason, the script. With no block one click (or Enter) dials; a block needs
   * a reason chosen or typed. `onDial(override|null)`; Escape or Cancel: `onCancel()`.
   */
  function dialDialog({ words, head, panel, verdict, onDial, onCancel }) {
    const blocked = !!head.blocked;
    const className = blocked ? 'blocked' : (verdict === 'call' || verdict === 'message_only' ? 'ok' : verdict || '');
    const box = frame(words, className, head.title);
    box.setAttribute('data-state', 'dial');
    box.setAttribute('data-blocked', String(blocked));
    box.setAttribute('data-verdict', verdict || '');
    const v = el('p', 'verdict', panel.title);
    v.setAttribute('data-testid', 'dial-verdict');
    box.append(v);
    box.append(groupsOf(panel));
    const script = scriptOf(panel, words, head.channel);
    if (script) box.append(script);
    const cancel = () => { close(); onCancel && onCancel(); };
    const isCall = head.channel === 'call';
    const actions = el('div', 'actions');
    let go;
    if (!blocked) {
      go = button(isCall ? words.dial_call : words.dial_message, 'primary', () => { close(); onDial(null); }, 'dial');
      actions.append(go, button(words.cancel, '', cancel, 'cancel'));
      box.append(actions);
      keyHandler = (e) => {
        if (e.key === 'Escape') { e.preventDefault(); cancel(); }
        else if (e.key === 'Enter' && !(e.target instanceof HTMLButtonElement && e.target !== go)) { e.preventDefault(); go.click(); }
      };
      go.focus();
      return;
    }
    // A block: a reason is needed, and it is logged.
    const fs = el('fieldset');
    fs.append(el('legend', '', words.override_prompt));
    const name = `precall-reason-${Math.random().toString(36).slice(2)}`;
    const radios = [];
    const other = el('input');
    other.type = 'text';
    other.maxLength = 200;
    other.placeholder = words.override_placeholder;
    other.setAttribute('data-testid', 'override-text');
    const choices = [...words.override_reasons, words.override_other];
    choices.forEach((text, i) => {
      const label = el('label');
      const r = el('input');
      r.type = 'radio';
      r.name = name;
      r.value = i < words.override_reasons.length ? text : '';
      r.setAttribute('data-testid', `override-${i}`);
      label.append(r, ` ${text}`);
      fs.append(label);
      radios.push(r);
    });
    fs.append(other);
    fs.append(el('div', 'hint', words.override_logged));
    box.append(fs);
    const reason = () => {
      const picked = radios.find((r) => r.checked);
      const typed = other.value.trim();
      if (picked && picked.value) return picked.value;
      return typed.length >= 3 ? typed : '';
    };
    go = button(words.dial_anyway, 'danger', () => {
      const r = reason();
      if (!r) return;
      close();
      onDial({ reason: r });
    }, 'dial-anyway');
    const update = () => { go.disabled = !reason(); };
    for (const r of radios) r.addEventListener('change', () => {
      if (r === radios[radios.length - 1]) other.focus();
      update();
    });
    other.addEventListener('input', () => {
      if (other.value.trim()) radios[radios.length - 1].checked = true;
      update();
    });
    update();
    const cancelButton = button(words.cancel, 'primary', cancel, 'cancel');
    actions.append(cancelButton, go);
    box.append(actions);
    keyHandler = (e) => {
      if (e.key === 'Escape') { e.preventDefault(); cancel(); }
      else if (e.key === 'Enter' && e.target === other) { e.preventDefault(); go.click(); }
    };
    cancelButton.focus();
  }

  function pad(n) { return String(n).padStart(2, '0'); }

  /**
   * The outcome form: after a guarded dial, or from the panel. `onSave(data)` returns a
   * promise of { ok } or { failed, message }; on failure the form stays filled, with the
   * message, and Save tries again. `defaults`: { channel, purpose, callbackDefault }.
   */
  function outcomeForm({ words, title, channels, defaults, onSave, onClose, onOptions, initialProblem }) {
    const box = frame(words, '', title ? `${words.outcome_title} · ${title}` : words.outcome_title);
    box.setAttribute('data-state', 'outcome');
    let chosen = null;
    let saving = false;
    const grid = el('div', 'outcomes');
    grid.setAttribute('role', 'group');
    grid.setAttribute('aria-label', words.outcome_title);
    const buttons = words.outcomes.map(([value, text], i) => {
      const b = button('', '', () => pick(value), `outcome-${value}`);
      b.append(el('span', 'key', String(i + 1)), ` ${text}`);
      b.setAttribute('aria-pressed', 'false');
      b.dataset.value = value;
      grid.append(b);
      return b;
    });
    box.append(grid);
    const cbRow = el('label', 'row');
    cbRow.hidden = true;
    const cb = el('input');
    cb.type = 'datetime-local';
    cb.value = defaults.callbackDefault || '';
    cb.setAttribute('data-testid', 'callback-at');
    cbRow.append(el('span', '', words.callback_at), cb);
    box.append(cbRow);
    const note = el('input');
    note.type = 'text';
    note.maxLength = 500;
    note.placeholder = words.note;
    note.setAttribute('data-testid', 'note');
    const noteRow = el('div', 'row');
    noteRow.append(note);
    box.append(noteRow);
    const meta = el('div', 'row');
    const purpose = el('select');
    purpose.setAttribute('data-testid', 'purpose');
    purpose.append(el('option', '', '—'));
    purpose.firstChild.value = '';
    for (const [value, text] of words.purposes) {
      const o = el('option', '', text);
      o.value = value;
      purpose.append(o);
    }
    purpose.value = defaults.purpose || '';
    const plabel = el('label', 'row');
    plabel.append(el('span', '', words.purpose), purpose);
    meta.append(plabel);
    let channel = null;
    if (channels && channels.length > 1) {
      channel = el('select');
      channel.setAttribute('data-testid', 'channel');
      for (const [value, text] of channels) {
        const o = el('option', '', text);
        o.value = value;
        channel.append(o);
      }
      channel.value = defaults.channel || channels[0][0];
      const clabel = el('label', 'row');
      clabel.append(el('span', '', words.channel), channel);
      meta.append(clabel);
    }
    box.append(meta);
    const status = el('div', 'status');
    status.setAttribute('data-testid', 'outcome-status');
    status.setAttribute('role', 'status');
    box.append(status);
    const actions = el('div', 'actions');
    const save = button(words.save, 'primary', () => submit(), 'save');
    const later = button(words.later, '', () => { close(); onClose && onClose(); }, 'later');
    actions.append(save, later);
    box.append(actions);
    box.append(el('div', 'hint', words.keys_hint));

    function pick(value) {
      chosen = value;
      for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.value === value));
      cbRow.hidden = value !== 'callback';
      save.disabled = false;
      // Next: the time for a call-back, else Save (so the next Enter saves).
      (value === 'callback' ? cb : save).focus();
    }

    function problem(message, withOptions) {
      status.className = 'status error';
      status.replaceChildren(el('span', '', message));
      if (withOptions && onOptions) {
        status.append(' ', button(words.open_options, '', () => onOptions(), 'open-options'));
      }
      save.textContent = words.retry;
      save.disabled = !chosen || saving; // a save in flight answers for itself
    }

    async function submit() {
      if (!chosen || saving) return;
      saving = true;
      save.disabled = true;
      const data = {
        outcome: chosen,
        callback_at: chosen === 'callback' ? cb.value || null : null,
        note: note.value.trim() || null,
        purpose: purpose.value || null,
        channel: channel ? channel.value : defaults.channel,
      };
      let reply;
      try { reply = await onSave(data); } catch { reply = { failed: 'storage' }; }
      saving = false;
      if (reply && reply.ok) {
        status.className = 'status saved';
        status.textContent = words.saved;
        box.setAttribute('data-saved', 'true');
        setTimeout(() => { if (host && host.isConnected && box.isConnected) close(); }, 900);
        return;
      }
      problem(reply && reply.failed === 'quota' ? words.storage_full : (reply && reply.message) || words.save_failed,
        reply && reply.failed === 'quota');
    }

    keyHandler = (e) => {
      const typing = e.target === note || e.target === cb || (e.target && e.target.localName === 'select');
      if (e.key === 'Escape') { e.preventDefault(); close(); onClose && onClose(); return; }
      if (e.key === 'Enter') {
        if (e.target instanceof HTMLButtonElement && e.target !== save) return; // the button's own click
        e.preventDefault();
        submit();
        return;
      }
      if (!typing && /^[1-7]$/.test(e.key) && !e.altKey && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        pick(words.outcomes[Number(e.key) - 1][0]);
      }
    };
    save.disabled = true;
    if (initialProblem) problem(initialProblem.message, initialProblem.quota);
    buttons[0].focus();
    return { problem };
  }

  /** datetime-local's value for an instant, on the wall clock of `zone`. */
  function localInput(ms, zone) {
    try {
      const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
        timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
      }).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
      return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
    } catch {
      const d = new Date(ms);
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    }
  }

  globalThis.precallDialog = {
    checking, failed, dial: dialDialog, outcome: outcomeForm, close, localInput,
    get open() { return !!(host && host.isConnected); },
  };
})();
