// The options page's clinic settings (issue 8). The page only fills the form and reads it back;
// the core (`settings` in the wasm) validates, puts the browser policy's values over the user's,
// and reads and writes the settings file, so a form, a file and a policy are judged alike.
// Saved into chrome.storage.local `settings` (config, templates), which open MIS tabs listen to.
import init, { settings as core } from './pkg/precall.js';

const { t } = globalThis.precallI18n;
const $ = (id) => document.getElementById(id);
const WINDOWS = ['morning', 'lunch', 'afternoon', 'evening'];
const ZONES = ['Europe/Kaliningrad', 'Europe/Moscow', 'Europe/Samara', 'Asia/Yekaterinburg', 'Asia/Omsk',
  'Asia/Novosibirsk', 'Asia/Krasnoyarsk', 'Asia/Irkutsk', 'Asia/Yakutsk', 'Asia/Vladivostok', 'Asia/Magadan',
  'Asia/Kamchatka', 'Europe/Minsk', 'Asia/Almaty', 'Asia/Tashkent', 'Europe/London'];

let user = {};      // the stored settings (the user's own)
let managed = {};   // the browser policy's (chrome.storage.managed)
let locked = [];    // paths the policy sets
let defaults = {};  // per locale: { config, templates }

const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
const split = (path) => path.replace(/\[(\d+)\]/g, '.$1').split('.');

function get(obj, path) {
  return split(path).reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

function set(obj, path, value) {
  const keys = split(path);
  let o = obj;
  keys.slice(0, -1).forEach((k, i) => {
    if (o[k] === null || typeof o[k] !== 'object') o[k] = /^\d+$/.test(keys[i + 1]) ? [] : {};
    o = o[k];
  });
  if (value === undefined) delete o[keys.at(-1)];
  else o[keys.at(-1)] = value;
}

/** Whether the policy sets this path (or a whole object or list it is part of). */
const isLocked = (path) => locked.some((l) => path === l || path.startsWith(`${l}.`) || path.startsWith(`${l}[`));

function defaultsFor(locale) {
  defaults[locale] ||= core('defaults', { locale });
  return defaults[locale];
}

/** Whether the text is one of the shipped template sets (then nothing is stored: defaults stay current). */
function isDefaultTemplates(text) {
  return ['ru', 'en'].some((l) => defaultsFor(l).templates.trim() === String(text).trim());
}

// ---- the form ----

function buildWindows() {
  const box = $('s-windows');
  for (const w of WINDOWS) {
    for (const end of ['from', 'to']) {
      const id = `s-w-${w}-${end}`;
      const field = document.createElement('div');
      field.className = 'field';
      const label = document.createElement('label');
      label.htmlFor = id;
      label.textContent = t(`settings_window_${w}_${end}`);
      const input = document.createElement('input');
      input.type = 'time';
      input.id = id;
      input.dataset.path = `config.vague_windows.${w}.${end}`;
      field.append(label, input);
      box.append(field);
    }
  }
  for (const z of ZONES) {
    const o = document.createElement('option');
    o.value = z;
    $('s-zones').append(o);
  }
}

function campaignRow(c, i) {
  const row = document.createElement('div');
  row.className = 'campaign';
  row.setAttribute('role', 'group');
  row.setAttribute('aria-label', t('settings_campaign_n', i + 1));
  const add = (key, value, path, type) => {
    const field = document.createElement('div');
    field.className = 'field';
    const id = `s-campaign-${i}-${key}`;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = t(`settings_campaign_${key}`);
    const input = document.createElement('input');
    input.id = id;
    input.dataset.path = path;
    if (type) input.dataset.type = type;
    if (type === 'number') { input.type = 'number'; input.step = 'any'; }
    input.value = value ?? '';
    field.append(label, input);
    row.append(field);
  };
  const base = `config.campaigns[${i}]`;
  add('name', c.name, `${base}.name`);
  add('services', (c.services || []).join(', '), `${base}.services`, 'list');
  add('discount', c.discount_pct, `${base}.discount_pct`, 'number');
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'remove';
  remove.textContent = t('settings_campaign_remove');
  remove.setAttribute('aria-label', t('settings_campaign_remove_n', i + 1));
  remove.addEventListener('click', () => {
    const list = readCampaigns();
    list.splice(i, 1);
    drawCampaigns(list);
    $('s-campaign-add').focus();
  });
  row.append(remove);
  return row;
}

function drawCampaigns(list) {
  const box = $('s-campaigns');
  box.replaceChildren(...list.map(campaignRow));
  const off = isLocked('config.campaigns');
  for (const el of [...box.querySelectorAll('input, button'), $('s-campaign-add')]) el.disabled = off;
}

/** The value a control stands for (numbers as numbers when they are, else as typed, so the core names the problem). */
function valueOf(el) {
  const raw = el.value;
  switch (el.dataset.type) {
    case 'int': return raw.trim() === '' ? '' : (/^-?\d+$/.test(raw.trim()) ? Number(raw) : raw);
    case 'number': return raw.trim() === '' ? undefined : (Number.isFinite(Number(raw)) ? Number(raw) : raw);
    case 'list': return raw.split(/[,;\n]/).map((s) => s.trim()).filter(Boolean);
    default: return raw;
  }
}

function readCampaigns() {
  return [...$('s-campaigns').children].map((row, i) => {
    const c = {};
    for (const el of row.querySelectorAll('[data-path]')) {
      const v = valueOf(el);
      if (v !== undefined) set(c, el.dataset.path.slice(`config.campaigns[${i}].`.length), v);
    }
    return c;
  });
}

/** Shows the settings in force (the policy's over the user's); the policy's fields are locked. */
function render() {
  const eff = core('effective', { user, managed });
  locked = eff.locked;
  const shown = eff.settings;
  const locale = get(shown, 'config.locale') || 'ru';
  const base = defaultsFor(locale);
  const note = t('settings_managed_field');
  for (const el of document.querySelectorAll('#settings-form [data-path]')) {
    if (el.closest('#s-campaigns')) continue;
    const path = el.dataset.path;
    let v = get(shown, path);
    if (path === 'templates') v = v == null ? base.templates : (typeof v === 'string' ? v : JSON.stringify(v, null, 2));
    else if (v == null) v = get(base, path);
    el.value = v ?? '';
    const off = isLocked(path);
    el.disabled = off;
    markLocked(el, off, note);
  }
  drawCampaigns(get(shown, 'config.campaigns') || []);
  const box = $('s-campaigns-box');
  markLocked(box.querySelector('legend'), isLocked('config.campaigns'), note);
  $('s-templates-reset').disabled = isLocked('templates');
  $('settings-managed').hidden = !locked.length;
}

/** A note beside a control the policy sets, tied to it for screen readers. */
function markLocked(el, on, text) {
  const id = `${el.id || 'legend'}-managed`;
  let n = document.getElementById(id);
  if (!on) { n?.remove(); if (el.id) el.removeAttribute('aria-describedby'); return; }
  if (!n) {
    n = document.createElement('span');
    n.id = id;
    n.className = 'managed';
    n.dataset.testid = 'managed-note';
    el.after(n);
  }
  n.textContent = text;
  if (el.id) el.setAttribute('aria-describedby', id);
}

/** The user's settings as the form says them; the policy's fields keep the user's own stored values. */
function readForm() {
  const next = clone(user) || {};
  for (const el of document.querySelectorAll('#settings-form [data-path]')) {
    const path = el.dataset.path;
    if (el.closest('#s-campaigns') || isLocked(path)) continue;
    let v = valueOf(el);
    if (path === 'templates') v = isDefaultTemplates(v) ? undefined : v;
    else if (path.startsWith('config.caller.')) v = v.trim() === '' ? undefined : v;
    set(next, path, v);
  }
  if (!isLocked('config.campaigns')) set(next, 'config.campaigns', readCampaigns());
  return next;
}

// ---- problems, words from _locales ----

function message(e) {
  const text = t(`settings_err_${e.code}`, ...(e.args || []));
  return text === `settings_err_${e.code}` ? `${e.code} ${(e.args || []).join(' ')}` : text;
}

/** The control a problem's path belongs to: the field itself, else the nearest enclosing one. */
function controlFor(path) {
  for (let p = path; p; p = p.replace(/(\.[^.[\]]*|\[\d+\])$/, '')) {
    const el = document.querySelector(`#settings-form [data-path="${CSS.escape(p)}"]`);
    if (el) return el;
    if (!/[.[]/.test(p)) break;
  }
  return null;
}

function labelOf(el) {
  return (el && el.labels && el.labels[0] && el.labels[0].textContent) || '';
}

function clearProblems() {
  for (const n of document.querySelectorAll('#settings-form .field-error')) n.remove();
  for (const el of document.querySelectorAll('#settings-form [aria-invalid]')) el.removeAttribute('aria-invalid');
  $('settings-errors').hidden = true;
  $('settings-errors').replaceChildren();
}

function showProblems(errors) {
  clearProblems();
  const list = document.createElement('ul');
  errors.forEach((e, i) => {
    const el = controlFor(e.path);
    const text = message(e);
    const li = document.createElement('li');
    li.dataset.errorPath = e.path;
    if (el) {
      const p = document.createElement('p');
      p.className = 'field-error';
      p.id = `field-error-${i}`;
      p.dataset.errorPath = e.path;
      p.textContent = text;
      (el.closest('.field') || el).append(p);
      el.setAttribute('aria-invalid', 'true');
      el.setAttribute('aria-describedby', p.id);
      const a = document.createElement('a');
      a.href = `#${el.id}`;
      a.textContent = `${labelOf(el) || e.path}: ${text}`;
      a.addEventListener('click', (ev) => { ev.preventDefault(); el.focus(); });
      li.append(a);
    } else {
      li.textContent = `${e.path}: ${text}`;
    }
    list.append(li);
  });
  const head = document.createElement('p');
  head.textContent = t('settings_errors_head', errors.length);
  $('settings-errors').replaceChildren(head, list);
  $('settings-errors').hidden = false;
  $('settings-errors').focus();
}

function say(target, text, ok) {
  target.textContent = text;
  target.className = ok ? 'ok' : 'error';
}

// ---- save, import, export ----

async function store(next) {
  await chrome.storage.local.set({ settings: next });
  const before = precallI18n.lang;
  user = next;
  const eff = core('effective', { user, managed }).settings;
  const lang = await precallI18n.load(get(eff, 'config.locale'));
  if (lang !== before) {
    precallI18n.apply(document);
    for (const el of document.querySelectorAll('#s-windows label')) {
      const [, w, end] = /^s-w-(\w+)-(from|to)$/.exec(el.htmlFor);
      el.textContent = t(`settings_window_${w}_${end}`);
    }
  }
  render();
}

async function save(ev) {
  ev.preventDefault();
  const next = readForm();
  const { errors } = core('validate', { settings: next, locale: precallI18n.lang });
  if (errors.length) {
    say($('settings-status'), t('settings_not_saved', errors.length), false);
    return showProblems(errors);
  }
  clearProblems();
  try {
    await store(next);
    say($('settings-status'), t('settings_saved'), true);
  } catch (err) {
    say($('settings-status'), t('settings_save_failed', String(err && err.message)), false);
  }
}

function stamp() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}`;
}

function exportFile() {
  const { text } = core('export', { settings: user });
  const href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = href;
  a.download = `precall-settings-${stamp()}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10000);
  say($('settings-import-result'), t('settings_exported'), true);
}

async function importFile(file) {
  const out = core('import', { text: await file.text(), locale: precallI18n.lang });
  $('s-import').value = '';
  if (out.errors) {
    const list = out.errors.slice(0, 10).map((e) => `${e.path}: ${message(e)}`).join('; ');
    return say($('settings-import-result'), t('settings_import_failed', list), false);
  }
  // The file replaces the clinic settings; the trainer's clock stays as it was.
  const next = { ...out.settings };
  if (user.clock !== undefined) next.clock = user.clock;
  try {
    await store(next);
    clearProblems();
    say($('settings-import-result'), t('settings_imported'), true);
  } catch (err) {
    say($('settings-import-result'), t('settings_save_failed', String(err && err.message)), false);
  }
}

async function readStores() {
  try { user = (await chrome.storage.local.get('settings')).settings || {}; } catch { user = {}; }
  try { managed = await chrome.storage.managed.get(null); } catch { managed = {}; }
}

async function start() {
  await init({ module_or_path: chrome.runtime.getURL('extension/pkg/precall_bg.wasm') });
  await readStores();
  await precallI18n.load(get(core('effective', { user, managed }).settings, 'config.locale'));
  precallI18n.apply(document);
  buildWindows();
  render();
  $('settings-loading').hidden = true;
  $('settings-form').hidden = false;
  $('settings-form').addEventListener('submit', save);
  $('s-campaign-add').addEventListener('click', () => {
    const list = readCampaigns();
    list.push({ name: '' });
    drawCampaigns(list);
    $(`s-campaign-${list.length - 1}-name`).focus();
  });
  $('s-templates-reset').addEventListener('click', () => {
    $('s-templates').value = defaultsFor($('s-locale').value).templates;
  });
  $('s-locale').addEventListener('change', () => {
    // Shipped templates follow the language; a clinic's own stay as written.
    if (isDefaultTemplates($('s-templates').value)) $('s-templates').value = defaultsFor($('s-locale').value).templates;
  });
  $('s-export').addEventListener('click', exportFile);
  $('s-import').addEventListener('change', (e) => { if (e.target.files[0]) importFile(e.target.files[0]); });
  // A policy pushed while the page is open: show it at once.
  chrome.storage.onChanged.addListener(async (changes, area) => {
    if (area !== 'managed') return;
    await readStores();
    render();
  });
  document.body.dataset.settingsReady = 'true';
}

start().catch((err) => {
  say($('settings-loading'), t('settings_unavailable', String(err && err.message)), false);
});
