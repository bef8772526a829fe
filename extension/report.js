// The report page (issue 8): reads the stored call log once (read-only, straight from
// chrome.storage.local: the service worker stays its only writer), hands it to the core's
// ReportLog, and draws what the core returns: the numbers, two SVG charts (text made by the
// core, every name escaped there), the tables, and the CSV of what is shown. Words from _locales.
import init, { ReportLog } from './pkg/precall.js';

const { t } = precallI18n;
const $ = (id) => document.getElementById(id);
const PREFIX = 'calllog:';
const ROWS = 200; // table rows drawn; the totals and the CSV count every row
const OUTCOMES = ['reached', 'booked', 'callback', 'declined', 'no_answer', 'busy', 'do_not_call', 'none'];

let log = null;      // the core's ReportLog
let config = null;   // the clinic's settings (the cadence)
let today = null;    // yyyy-mm-dd

const num = (n) => Number(n).toLocaleString(precallI18n.lang);
const pct = (x) => (x === null || x === undefined ? t('report_no_data')
  : x.toLocaleString(precallI18n.lang, { style: 'percent', maximumFractionDigits: 1 }));
const who = (name) => name || t('report_unnamed');

/** "2026-11-30T20:00:00+03:00" as the clinic's wall clock shows it, in the page's language. */
function when(at) {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)/.exec(at || '');
  if (!m) return at || '';
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]));
  return d.toLocaleString(precallI18n.lang, { timeZone: 'UTC', dateStyle: 'short', timeStyle: 'short' });
}

function isoDate(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function query() {
  const caller = $('caller').value;
  const labels = { unnamed: t('report_unnamed'), other: t('report_other'), chart_contacts: t('report_chart_contacts'), chart_outcomes: t('report_chart_outcomes') };
  for (const o of OUTCOMES) labels[o] = t(`report_outcome_${o}`);
  return { from: $('from').value, to: $('to').value, by: $('by').value, caller: caller === '*' ? null : caller, locale: precallI18n.lang, labels };
}

/** Reads every record of the log (the keys the service worker writes). */
async function readLog() {
  const started = performance.now();
  const all = await chrome.storage.local.get(null);
  document.body.dataset.readMs = String(Math.round(performance.now() - started));
  const records = [];
  for (const [key, value] of Object.entries(all)) {
    if (!key.startsWith(PREFIX)) continue;
    try {
      const [origin, patient] = JSON.parse(key.slice(PREFIX.length));
      if (typeof origin === 'string' && typeof patient === 'string') records.push({ origin, patient, value });
    } catch { /* not a record key */ }
  }
  config = (all.settings && all.settings.config) || null;
  if (!today) today = typeof (all.settings && all.settings.clock) === 'string' ? all.settings.clock.slice(0, 10) : isoDate(new Date());
  if (log) log.free();
  const parsing = performance.now();
  log = new ReportLog(JSON.stringify(records));
  document.body.dataset.parseMs = String(Math.round(performance.now() - parsing));
}

function svgNode(text) {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  return document.importNode(doc.documentElement, true);
}

function cell(tag, text, attrs = {}) {
  const c = document.createElement(tag);
  c.textContent = text;
  for (const [k, v] of Object.entries(attrs)) c.setAttribute(k, v);
  return c;
}

/** A table: header keys (from _locales) and rows of cells; numbers right-aligned. */
function table(target, heads, rows) {
  const head = document.createElement('tr');
  heads.forEach((h) => head.append(cell('th', t(h), { scope: 'col' })));
  const thead = document.createElement('thead');
  thead.append(head);
  const tbody = document.createElement('tbody');
  for (const r of rows) {
    const tr = document.createElement('tr');
    r.forEach((v, i) => tr.append(cell(i === 0 ? 'th' : 'td', typeof v === 'number' ? num(v) : v, i === 0 ? { scope: 'row' } : typeof v === 'number' ? { class: 'num' } : {})));
    tbody.append(tr);
  }
  if (!rows.length) {
    const tr = document.createElement('tr');
    tr.append(cell('td', t('report_none'), { colspan: String(heads.length) }));
    tbody.append(tr);
  }
  target.replaceChildren(thead, tbody);
}

function limited(target, shown, total) {
  target.hidden = total <= shown;
  target.textContent = total > shown ? t('report_rows_limited', num(shown), num(total)) : '';
}

function fillCallers(all) {
  const select = $('caller');
  const keep = select.value;
  const first = select.options[0];
  const options = all.map((c) => { const o = document.createElement('option'); o.value = c; o.textContent = who(c); return o; });
  select.replaceChildren(first, ...options);
  select.value = all.includes(keep) ? keep : '*';
}

function draw() {
  if (!log) return;
  const started = performance.now();
  const out = log.report(query(), config, ROWS);
  $('problem').hidden = !out.error && !out.settings_problem;
  $('problem').textContent = out.error ? t('report_error', out.error) : out.settings_problem ? t('report_settings_problem', out.settings_problem) : '';
  if (out.error) { $('report').hidden = true; $('export-csv').disabled = true; return; }
  const r = out.report;
  const tt = r.totals;
  fillCallers(r.all_callers);
  $('total-contacts').textContent = num(tt.contacts);
  $('total-patients').textContent = t('report_patients', num(tt.patients));
  $('share-booked').textContent = pct(tt.booked_share);
  $('note-booked').textContent = t('report_with_outcome', num(tt.booked), num(tt.with_outcome));
  $('share-unanswered').textContent = pct(tt.unanswered_share);
  $('note-unanswered').textContent = t('report_with_outcome', num(tt.unanswered), num(tt.with_outcome));
  $('share-justified').textContent = pct(tt.justified_share);
  $('note-justified').textContent = t('report_share_of', num(tt.justified), num(tt.contacts));
  $('total-overrides').textContent = num(tt.overrides);
  $('total-over-cadence').textContent = num(tt.over_cadence_patients);
  $('note-over-cadence').textContent = t('report_over_cadence_note', num(tt.over_cadence_patients), num(tt.over_cadence));

  $('legend').replaceChildren(...out.series.map((name, i) => {
    const li = document.createElement('li');
    li.append(cell('span', '', { class: `swatch s${i}`, 'aria-hidden': 'true' }), document.createTextNode(name));
    return li;
  }));
  $('contacts-chart').replaceChildren(svgNode(out.contacts_svg));
  $('outcomes-chart').replaceChildren(svgNode(out.outcomes_svg));

  table($('callers'), ['report_col_caller', 'report_col_contacts', 'report_col_booked', 'report_col_unanswered', 'report_col_justified', 'report_col_overrides', 'report_col_over_cadence'],
    r.callers.map((c) => [who(c.caller), c.contacts, c.booked, c.unanswered, c.justified, c.overrides, c.over_cadence]));
  table($('override-reasons'), ['report_col_reason', 'report_col_count'], r.override_reasons.map((x) => [x.reason, x.count]));
  table($('overrides'), ['report_col_at', 'report_col_caller', 'report_col_patient', 'report_col_site', 'report_col_reason', 'report_col_rules', 'report_col_outcome'],
    r.overrides.map((o) => [when(o.at), who(o.caller), o.patient, o.origin, o.reason, o.rules.join(', '), t(`report_outcome_${o.outcome}`)]));
  limited($('overrides-limited'), r.overrides.length, tt.overrides);
  $('cadence-about').textContent = t('report_cadence_about', r.attempt_cap, r.cooldown_days);
  table($('cadence'), ['report_col_patient', 'report_col_site', 'report_col_contacts', 'report_col_breaches', 'report_col_kinds', 'report_col_most', 'report_col_last', 'report_col_callers'],
    r.cadence.map((c) => [c.patient, c.origin, c.contacts, c.breaches, c.kinds.map((k) => t(`report_breach_${k}`)).join(', '), c.most_unanswered, when(c.last), c.callers.map(who).join(', ')]));
  limited($('cadence-limited'), r.cadence.length, tt.over_cadence_patients);
  $('report').hidden = false;
  $('export-csv').disabled = false;
  document.body.dataset.drawMs = String(Math.round(performance.now() - started));
}

function exportCsv() {
  const q = query();
  let text;
  try { text = log.csv(q, config); } catch (err) { $('problem').hidden = false; $('problem').textContent = t('report_error', String(err)); return; }
  const href = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = href;
  a.download = `precall-report-${q.from}-${q.to}-${q.by}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10000);
}

async function load() {
  const started = performance.now();
  try {
    await readLog();
  } catch (err) {
    $('status').textContent = t('report_unavailable', String((err && err.message) || err));
    return false;
  }
  $('status').textContent = t('report_loaded', num(log.size));
  document.body.dataset.loadMs = String(Math.round(performance.now() - started));
  return true;
}

async function start() {
  await precallI18n.load();
  precallI18n.apply(document);
  document.title = t('report_title');
  await init({ module_or_path: chrome.runtime.getURL('extension/pkg/precall_bg.wasm') });
  if (!(await load())) return;
  const from = new Date(`${today}T12:00:00Z`);
  from.setUTCDate(from.getUTCDate() - 29);
  $('from').value = from.toISOString().slice(0, 10);
  $('to').value = today;
  for (const id of ['from', 'to', 'by', 'caller']) $(id).addEventListener('change', draw);
  $('controls').addEventListener('submit', (e) => { e.preventDefault(); draw(); });
  $('export-csv').addEventListener('click', exportCsv);
  // The log changes while the page is open (a call in another tab): read it again, at most once a second.
  let pending = null;
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local' || pending || !Object.keys(changes).some((k) => k.startsWith(PREFIX))) return;
    pending = setTimeout(async () => { pending = null; if (await load()) draw(); }, 1000);
  });
  draw();
  document.body.dataset.ready = 'true';
}

start();
