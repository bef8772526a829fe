// The profiles page: the built-in site profiles and the clinic's own (imported or taught,
// `settings.profiles` in chrome.storage.local), import (checked by the core), export, delete;
// and the coverage the last MIS tab reported (what its profile read and did not). Words come
// from _locales through i18n.js; profile and page texts go in as text only.
import init, { profiles as core } from './pkg/precall.js';

const { t } = precallI18n;
const $ = (id) => document.getElementById(id);

function el(tag, text, attrs = {}) {
  const e = document.createElement(tag);
  if (text != null) e.textContent = String(text);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function say(text, ok) {
  $('result').textContent = text;
  $('result').className = ok ? 'ok' : 'error';
}

async function readSettings() {
  const { settings } = await chrome.storage.local.get('settings');
  return settings || { config: null, clock: null };
}

const nameOf = (p) => { try { return (typeof p === 'string' ? JSON.parse(p) : p).name; } catch { return null; } };

function download(profile) {
  const href = URL.createObjectURL(new Blob([JSON.stringify(profile, null, 2)], { type: 'application/json' }));
  const a = el('a', null, { href, download: `${profile.name}.json` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10000);
}

function button(text, testid, onClick) {
  const b = el('button', text, { type: 'button', 'data-testid': testid });
  b.addEventListener('click', onClick);
  return b;
}

function item(profile, kind, extra) {
  const li = el('li', null, { 'data-testid': `profile-${profile.name}`, 'data-kind': kind });
  li.append(el('strong', profile.name), document.createTextNode(profile.title ? ` — ${profile.title} ` : ' '));
  li.append(button(t('profiles_export'), `export-${profile.name}`, () => download(profile)));
  if (extra) li.append(' ', extra);
  return li;
}

async function render() {
  const settings = await readSettings();
  const stored = settings.profiles || [];
  const catalog = core('catalog', { custom: stored });
  $('builtin').replaceChildren(...catalog.builtin.map((p) => item(p, 'builtin')));
  const own = catalog.custom.map((c, i) => {
    const remove = button(t('profiles_delete'), `delete-${c.profile ? c.profile.name : i}`, () => removeAt(i));
    if (c.profile) return item(c.profile, 'custom', remove);
    const li = el('li', t('profiles_broken', c.error), { 'data-kind': 'broken' });
    li.append(' ', remove);
    return li;
  });
  $('custom').replaceChildren(...(own.length ? own : [el('li', t('profiles_custom_none'))]));
}

async function removeAt(index) {
  const settings = await readSettings();
  const name = nameOf((settings.profiles || [])[index]) || `#${index + 1}`;
  if (!confirm(t('profiles_confirm_delete', name))) return;
  settings.profiles = (settings.profiles || []).filter((_, i) => i !== index);
  try {
    await chrome.storage.local.set({ settings });
    say(t('profiles_deleted', name), true);
  } catch {
    say(t('profiles_import_failed', t('profiles_storage')), false);
  }
}

async function importFile(file) {
  const checked = core('validate', { text: await file.text() });
  $('import-file').value = '';
  if (checked.error) return say(t('profiles_import_failed', checked.error), false);
  const profile = checked.profile;
  try {
    const settings = await readSettings();
    // A profile of the same name is replaced (a newer version of it).
    settings.profiles = [profile, ...(settings.profiles || []).filter((p) => nameOf(p) !== profile.name)];
    await chrome.storage.local.set({ settings });
    say(t('profiles_imported', profile.name), true);
  } catch {
    say(t('profiles_import_failed', t('profiles_storage')), false);
  }
}

async function coverage() {
  const { 'coverage:last': last } = await chrome.storage.session.get('coverage:last');
  if (!last || !last.coverage) {
    $('coverage-head').textContent = t('profiles_coverage_none');
    $('coverage').replaceChildren();
    $('coverage-unread').textContent = '';
    return;
  }
  const when = new Date(last.at).toLocaleTimeString(precallI18n.lang);
  $('coverage-head').textContent = t('profiles_coverage_head', last.profile, last.origin, when);
  const rows = last.coverage.sections.filter((s) => s.configured || s.found).map((s) => {
    let text = `${t(`profiles_section_${s.section}`)}: ${s.found ? t('profiles_found') : t('profiles_not_found')}`;
    if (s.found && s.rows != null) text += `, ${t('profiles_rows', s.rows)}`;
    const missing = s.fields.filter((f) => !f.hits.length && f.missing).map((f) => f.field);
    if (s.found && missing.length) text += `; ${t('profiles_fields_missing', missing.join(', '))}`;
    if (!s.found && s.reason) text += ` (${s.reason})`;
    return el('li', text, { 'data-section': s.section, 'data-found': String(s.found) });
  });
  const unconfigured = last.coverage.sections.filter((s) => !s.configured && !s.found).map((s) => t(`profiles_section_${s.section}`));
  if (unconfigured.length) rows.push(el('li', `${unconfigured.join(', ')}: ${t('profiles_not_configured')}`, { 'data-section': 'unconfigured' }));
  $('coverage').replaceChildren(...rows);
  const unread = (last.unread || []).map((u) => t(`teach_target_${u.replace('.', '_')}`));
  $('coverage-unread').textContent = unread.length ? t('profiles_unread', unread.join(', ')) : '';
}

async function start() {
  await precallI18n.load();
  precallI18n.apply(document);
  document.title = `${t('options_title')} — ${t('profiles_title')}`;
  await init({ module_or_path: chrome.runtime.getURL('extension/pkg/precall_bg.wasm') });
  $('import-file').addEventListener('change', (e) => { if (e.target.files[0]) importFile(e.target.files[0]); });
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && changes.settings) render();
    if (area === 'session' && changes['coverage:last']) coverage();
  });
  await Promise.all([render(), coverage()]);
  document.body.setAttribute('data-ready', 'true');
}

start();
