// Server-side HTML of the demo MIS: the patient card (the part a site profile reads), the
// patient list, the SPA shell and the page chrome. Pure functions of the resolved patients.
//
// Escaping is by construction: every value interpolated into html`...` is escaped unless it
// is itself the result of html`...` (or raw()). Never build markup by string concatenation.
// The pages carry no inline script and no style attribute: the MIS sends a strict CSP.

import * as L from './labels.js';

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]);

class SafeHtml {
  constructor(text) { this.text = text; }
  toString() { return this.text; }
}

/** Marks trusted markup (only our own constant strings). */
export const raw = (text) => new SafeHtml(text);

function interpolate(value) {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(interpolate).join('');
  return escapeHtml(value);
}

/** Tagged template: escapes every interpolated value that is not already SafeHtml. */
export function html(strings, ...values) {
  let out = strings[0];
  values.forEach((v, i) => { out += interpolate(v) + strings[i + 1]; });
  return new SafeHtml(out);
}

// ---- Formats (documented in MARKUP.md) -------------------------------------------------

const NBSP = '\u00a0';
const WEEKDAYS_SHORT = ['вс', 'пн', 'вт', 'ср', 'чт', 'пт', 'сб'];

/** "2026-11-26" -> "26.11.2026" */
export function formatDate(iso) {
  if (!iso) return L.NONE;
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${d}.${m}.${y}`;
}

/** "2026-11-26T14:00" -> "26.11.2026 14:00" */
export function formatDateTime(iso) {
  if (!iso) return L.NONE;
  return `${formatDate(iso)} ${iso.slice(11, 16)}`;
}

export function weekdayShort(iso) {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  return WEEKDAYS_SHORT[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
}

/** 4500 -> "4 500 ₽", 1234.5 -> "1 234,50 ₽"; groups and the sign are joined by NBSP. */
export function formatPrice(n) {
  if (n === null || n === undefined) return L.NONE;
  const whole = Number.isInteger(n);
  const [int, frac] = Math.abs(n).toFixed(whole ? 0 : 2).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
  return `${n < 0 ? '-' : ''}${grouped}${frac ? `,${frac}` : ''}${NBSP}₽`;
}

/** 10 -> "10%", 7.5 -> "7,5%" */
export const formatPercent = (n) => `${String(n).replace('.', ',')}%`;

function pluralYears(n) {
  const mod10 = n % 10;
  const mod100 = n % 100;
  if (mod10 === 1 && mod100 !== 11) return 'год';
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return 'года';
  return 'лет';
}

export function ageOn(birth, today) {
  const [by, bm, bd] = birth.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

const label = (map, value) => map[String(value ?? null)] ?? (value ?? L.NONE);
const orNone = (v) => (v === null || v === undefined || v === '' ? L.NONE : v);

/** Digits for tel:/wa.me links; a Russian "8 9xx" trunk prefix becomes +7. */
export function phoneDigits(value) {
  let digits = String(value).replace(/\D/g, '');
  if (digits.length === 11 && digits.startsWith('8')) digits = `7${digits.slice(1)}`;
  if (digits.length === 10 && !String(value).trim().startsWith('+')) digits = `7${digits}`;
  return digits;
}

// ---- The patient card -------------------------------------------------------------------

// The patient header has its h1 instead of a section title.
function section(name, body, extraClass = '') {
  const title = name === 'patient' ? '' : html`<h2 class="section-title">${L.SECTION_TITLES[name]}</h2>
`;
  return html`<section class="card-section card-section--${name}${extraClass}" id="section-${name}" data-section="${name}">
${title}${body}
</section>
`;
}

const empty = (text) => html`<p class="section-empty">${text}</p>`;

function table(className, headers, rows) {
  return html`<table class="mis-table ${className}">
<thead><tr>${headers.map((h) => html`<th>${h}</th>`)}</tr></thead>
<tbody>
${rows}</tbody>
</table>`;
}

function patientSection(p, today) {
  const pt = p.patient;
  const facts = [
    ['Карта №', 'patient-id', pt.id],
    ['Дата рождения', 'patient-birth-date', pt.birth_date && formatDate(pt.birth_date)],
    ['Возраст', 'patient-age', pt.birth_date && `${ageOn(pt.birth_date, today)} ${pluralYears(ageOn(pt.birth_date, today))}`],
    ['Пол', 'patient-sex', pt.sex && L.SEX[pt.sex]],
    ['Часовой пояс', 'patient-timezone', pt.timezone],
  ].filter(([, , v]) => v !== null && v !== undefined);
  const nameParts = [['patient-family', pt.family], ['patient-given', pt.given], ['patient-patronymic', pt.patronymic]]
    .filter(([, v]) => v);
  const name = nameParts.length
    ? nameParts.map(([cls, v], i) => html`${i ? ' ' : ''}<span class="${cls}">${v}</span>`)
    : html`<span class="patient-full-name">${pt.full_name ?? 'Без имени'}</span>`;
  return section('patient', html`<h1 class="patient-name">${name}</h1>
<dl class="facts patient-facts">
${facts.map(([dt, cls, v]) => html`<div class="fact"><dt>${dt}</dt><dd class="${cls}">${v}</dd></div>
`)}</dl>`, ' patient-header');
}

function messengerBadge(channel, digits) {
  const text = L.CHANNEL[channel] ?? channel;
  const cls = `messenger messenger--${channel}`;
  const href = {
    whatsapp: `https://wa.me/${digits}`,
    telegram: `https://t.me/+${digits}`,
    viber: `viber://chat?number=%2B${digits}`,
  }[channel];
  return href
    ? html`<a class="${cls}" href="${href}" title="Написать в ${text}">${text}</a>`
    : html`<span class="${cls}" title="${text}">${text}</span>`;
}

function contactsSection(p) {
  if (!p.contacts.length) return section('contacts', empty('Контакты не указаны'));
  const rows = p.contacts.map((c) => {
    const digits = c.kind === 'phone' ? phoneDigits(c.value) : '';
    const messengers = c.messengers?.length
      ? c.messengers.map((m, i) => html`${i ? ' ' : ''}${messengerBadge(m, digits)}`)
      : L.NONE;
    const action = c.kind === 'phone'
      ? html`<a class="btn btn-call" href="tel:+${digits}">Позвонить</a>`
      : html`<a class="btn btn-mail" href="mailto:${c.value}">Написать</a>`;
    const owner = !c.owner || c.owner === 'self' ? L.OWNER_SELF : c.owner;
    return html`<tr class="contact-row contact-row--${c.kind}">
<td class="contact-value">${c.value}</td>
<td class="contact-kind">${L.CONTACT_KIND[c.kind]}</td>
<td class="contact-owner">${owner}</td>
<td class="contact-messengers">${messengers}</td>
<td class="contact-primary">${c.primary ? 'да' : 'нет'}</td>
<td class="contact-actions">${action}</td>
</tr>
`;
  });
  return section('contacts', table('contacts-table',
    ['Контакт', 'Тип', 'Чей', 'Мессенджеры', 'Основной', 'Действия'], rows));
}

const TRI_CLASS = { true: 'yes', false: 'no', null: 'unknown' };
function triState(cls, value) {
  const key = String(value ?? null);
  return html`<dd class="${cls} flag--${TRI_CLASS[key]}">${L.TRI_STATE[key]}</dd>`;
}

function serviceCardSection(p) {
  const sc = p.service_card;
  const notes = sc.notes?.length
    ? html`<ul class="service-notes">
${sc.notes.map((n) => html`<li class="service-note">${n}</li>
`)}</ul>`
    : empty('Комментариев нет');
  const consent = sc.consent
    ? html`<div class="consent-block">
<h3>Согласие на коммуникации</h3>
<dl class="facts consent">
<div class="fact"><dt>Согласие на звонки</dt>${triState('consent-calls', sc.consent.calls)}</div>
<div class="fact"><dt>Согласие на сообщения</dt>${triState('consent-messages', sc.consent.messages)}</div>
<div class="fact"><dt>Согласие на рекламу</dt>${triState('consent-advertising', sc.consent.advertising)}</div>
</dl>
</div>`
    : '';
  const flags = sc.do_not_contact === null || sc.do_not_contact === undefined
    ? ''
    : html`<dl class="facts service-flags">
<div class="fact"><dt>Не беспокоить</dt>${triState('flag-do-not-contact', sc.do_not_contact)}</div>
</dl>`;
  return section('service_card', html`<div class="service-notes-block">
<h3>Комментарии администратора</h3>
${notes}
</div>
${consent}
${flags}`);
}

const statusBadge = (value, text) => html`<span class="status status--${value}">${text}</span>`;

function appointmentsSection(p) {
  if (!p.appointments.length) return section('appointments', empty('Записей нет'));
  const rows = p.appointments.map((a) => html`<tr class="appointment-row appointment-row--${a.status}">
<td class="appt-start">${formatDateTime(a.start)}</td>
<td class="appt-doctor">${orNone(a.doctor)}</td>
<td class="appt-specialty">${orNone(a.specialty)}</td>
<td class="appt-service">${orNone(a.service)}</td>
<td class="appt-status">${statusBadge(a.status, L.APPOINTMENT_STATUS[a.status])}</td>
</tr>
`);
  return section('appointments', table('appointments-table',
    ['Дата и время', 'Врач', 'Специальность', 'Услуга', 'Статус'], rows));
}

function visitTotal(services) {
  let total = 0;
  for (const s of services) if (typeof s.price === 'number') total += s.price * (1 - (s.discount_pct ?? 0) / 100);
  return Math.round(total * 100) / 100;
}

function visitsSection(p) {
  if (!p.visits.length) return section('visits', empty('Посещений нет'));
  const rows = p.visits.map((v) => {
    const services = v.services?.length
      ? html`<ul class="visit-services">
${v.services.map((s) => html`<li class="visit-service">${s.code ? html`<span class="service-code">${s.code}</span> ` : ''}<span class="service-name">${s.name}</span>${typeof s.price === 'number' ? html` <span class="service-price">${formatPrice(s.price)}</span>` : ''}${typeof s.discount_pct === 'number' ? html` <span class="service-discount">скидка ${formatPercent(s.discount_pct)}</span>` : ''}</li>
`)}</ul>`
      : L.NONE;
    return html`<tr class="visit-row">
<td class="visit-date">${formatDate(v.date)}</td>
<td class="visit-doctor">${orNone(v.doctor)}</td>
<td class="visit-specialty">${orNone(v.specialty)}</td>
<td class="visit-services-cell">${services}</td>
<td class="visit-total">${formatPrice(visitTotal(v.services ?? []))}</td>
</tr>
`;
  });
  return section('visits', table('visits-table', ['Дата', 'Врач', 'Специальность', 'Услуги', 'Итого'], rows));
}

function refusalsSection(p) {
  if (!p.refusals.length) return section('refusals', empty('Отказов нет'));
  const rows = p.refusals.map((r) => html`<tr class="refusal-row">
<td class="refusal-date">${formatDate(r.date)}</td>
<td class="refusal-service">${r.service}</td>
<td class="refusal-reason">${orNone(r.reason)}</td>
</tr>
`);
  return section('refusals', table('refusals-table', ['Дата', 'Услуга', 'Причина'], rows));
}

function plansSection(p) {
  if (!p.plans.length) return section('plans', empty('Планов лечения нет'));
  const plans = p.plans.map((pl) => {
    const items = pl.items?.length
      ? table('plan-items', ['Этап / услуга', 'Срочность', 'Статус', 'Срок'], pl.items.map((it) => html`<tr class="plan-item">
<td class="plan-item-name">${it.name}</td>
<td class="plan-item-urgency"><span class="urgency urgency--${it.urgent ? 'urgent' : 'routine'}">${L.URGENCY[String(Boolean(it.urgent))]}</span></td>
<td class="plan-item-status">${statusBadge(it.status, L.PLAN_ITEM_STATUS[it.status])}</td>
<td class="plan-item-due">${formatDate(it.due)}</td>
</tr>
`))
      : empty('Этапов нет');
    const signedKey = String(pl.signed ?? null);
    return html`<div class="plan"${pl.id ? html` data-plan-id="${pl.id}"` : ''}>
<h3 class="plan-title">План лечения${pl.id ? html` № <span class="plan-id">${pl.id}</span>` : ''}</h3>
<dl class="facts plan-facts">
<div class="fact"><dt>Дата составления</dt><dd class="plan-created">${formatDate(pl.created)}</dd></div>
<div class="fact"><dt>Врач</dt><dd class="plan-doctor">${orNone(pl.doctor)}</dd></div>
<div class="fact"><dt>Специальность</dt><dd class="plan-specialty">${orNone(pl.specialty)}</dd></div>
<div class="fact"><dt>Подпись пациента</dt><dd class="plan-signed plan-signed--${TRI_CLASS[signedKey]}">${L.PLAN_SIGNED[signedKey]}</dd></div>
<div class="fact"><dt>Решение пациента</dt><dd class="plan-decision">${label(L.PLAN_DECISION, pl.decision)}</dd></div>
</dl>
${items}
</div>
`;
  });
  return section('plans', html`<div class="plans">
${plans}</div>`);
}

function recallsSection(p) {
  if (!p.recalls.length) return section('recalls', empty('Напоминаний нет'));
  const rows = p.recalls.map((r) => html`<tr class="recall-row recall-row--${r.kind}">
<td class="recall-kind">${L.RECALL_KIND[r.kind]}</td>
<td class="recall-due">${formatDate(r.due)}</td>
<td class="recall-agreed">${r.agreed ? 'да' : 'нет'}</td>
<td class="recall-channel">${label(L.CHANNEL, r.channel)}</td>
<td class="recall-set-by">${orNone(r.set_by)}</td>
</tr>
`);
  return section('recalls', table('recalls-table',
    ['Тип', 'Срок', 'Согласовано с пациентом', 'Канал', 'Назначил'], rows));
}

function relativesSection(p) {
  if (!p.relatives.length) return section('relatives', empty('Родственники не указаны'));
  const rows = p.relatives.map((r) => {
    const name = r.patient_id
      ? html`<a class="relative-link" href="/patients/${r.patient_id}">${r.name}</a>`
      : r.name;
    const due = r.due?.length
      ? r.due.map((k, i) => html`${i ? ', ' : ''}<span class="due-mark due-mark--${k}">${L.RECALL_KIND[k]}</span>`)
      : L.NONE;
    const bookedKey = String(r.booked ?? null);
    return html`<tr class="relative-row"${r.patient_id ? html` data-relative-id="${r.patient_id}"` : ''}>
<td class="relative-name">${name}</td>
<td class="relative-relation">${orNone(r.relation)}</td>
<td class="relative-booked relative-booked--${TRI_CLASS[bookedKey]}">${L.RELATIVE_BOOKED[bookedKey]}</td>
<td class="relative-due">${due}</td>
</tr>
`;
  });
  return section('relatives', table('relatives-table', ['ФИО', 'Кем приходится', 'Запись', 'Пора на приём'], rows));
}

function communicationsSection(p) {
  if (!p.communications.length) return section('communications', empty('Коммуникаций нет'));
  const rows = p.communications.map((c) => html`<tr class="comm-row comm-row--${c.outcome}">
<td class="comm-at">${formatDateTime(c.at)}</td>
<td class="comm-channel">${label(L.CHANNEL, c.channel)}</td>
<td class="comm-direction">${L.DIRECTION[c.direction]}</td>
<td class="comm-purpose">${label(L.PURPOSE, c.purpose)}</td>
<td class="comm-outcome">${statusBadge(c.outcome, L.OUTCOME[c.outcome])}</td>
<td class="comm-note">${orNone(c.note)}</td>
</tr>
`);
  return section('communications', table('communications-table',
    ['Дата и время', 'Канал', 'Направление', 'Цель', 'Результат', 'Комментарий'], rows));
}

function feedbackSection(p) {
  if (!p.feedback.length) return section('feedback', empty('Отзывов нет'));
  const rows = p.feedback.map((f) => html`<tr class="feedback-row feedback-row--${f.sentiment}">
<td class="feedback-date">${formatDate(f.date)}</td>
<td class="feedback-sentiment">${statusBadge(f.sentiment, L.SENTIMENT[f.sentiment])}</td>
<td class="feedback-text">${orNone(f.text)}</td>
</tr>
`);
  return section('feedback', table('feedback-table', ['Дата', 'Оценка', 'Текст'], rows));
}

const SECTION_RENDERERS = {
  patient: patientSection,
  contacts: contactsSection,
  service_card: serviceCardSection,
  appointments: appointmentsSection,
  visits: visitsSection,
  refusals: refusalsSection,
  plans: plansSection,
  recalls: recallsSection,
  relatives: relativesSection,
  communications: communicationsSection,
  feedback: feedbackSection,
};

/**
 * The card: `article.patient-card[data-patient-id]` with one `section#section-<name>` per
 * contract section. A section that is null in the data (not kept by this MIS) or listed in
 * `hide` is left out entirely, as if this MIS had no such block.
 */
export function renderCard(p, { today, hide = new Set() } = {}) {
  const sections = L.SECTIONS
    .filter((name) => p[name] !== null && p[name] !== undefined && !hide.has(name))
    .map((name) => SECTION_RENDERERS[name](p, today));
  return html`<article class="patient-card" id="patient-card" data-patient-id="${p.patient.id}">
${sections}</article>
`;
}

/** What the card fragment endpoint returns: the demo note, then the card. */
export function renderCardFragment(p, opts) {
  return html`${demoNote(p)}${renderCard(p, opts)}`;
}

// The demo scenario, shown beside the card for trainers; outside the card root on purpose
// so a profile reading the card never sees it.
function demoNote(p) {
  const s = p.scenario;
  if (!s) return '';
  return html`<aside class="demo-scenario" data-demo-only="true">
<span class="demo-scenario__tag">Демо-сценарий</span>
<strong class="demo-scenario__title">${s.title_ru}</strong>
<span class="demo-scenario__expect">ожидается: ${s.expect?.verdict}</span>
</aside>
`;
}

// ---- Page chrome ------------------------------------------------------------------------

export function shortName(pt) {
  if (!pt) return '';
  if (!pt.family) return pt.full_name ?? '';
  const initials = [pt.given, pt.patronymic].filter(Boolean).map((s) => `${[...s][0]}.`).join('');
  return initials ? `${pt.family} ${initials}` : pt.family;
}

function layout({ title, today, active, body, scripts = [], bodyClass = 'mis' }) {
  const nav = [
    ['patients', '/patients', 'Пациенты'],
    ['app', '/app', 'Рабочее место'],
  ];
  const disabled = ['Расписание', 'Касса', 'Склад', 'Отчёты'];
  return html`<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — ДентаЛайн МИС</title>
<link rel="stylesheet" href="/static/mis.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
${scripts.map((s) => html`<script src="${s}" defer></script>
`)}</head>
<body class="${bodyClass}">
<header class="topbar">
<a class="brand" href="/patients"><span class="brand__logo">ДЛ</span> ДентаЛайн <span class="brand__sub">МИС</span></a>
<nav class="topnav">
${nav.map(([key, href, text]) => html`<a class="topnav__item${key === active ? ' topnav__item--active' : ''}" href="${href}">${text}</a>
`)}${disabled.map((t) => html`<span class="topnav__item topnav__item--disabled" title="Недоступно в демо">${t}</span>
`)}</nav>
<div class="topbar__user">
<span class="topbar__clinic">Клиника «Жемчуг», м. Сокол</span>
<span class="topbar__who">Администратор: Ковалёва Е.С.</span>
<span class="topbar__today">Сегодня: ${formatDate(today)}, ${weekdayShort(today)}</span>
</div>
</header>
${body}
<footer class="footer">ДентаЛайн МИС 4.12 · демонстрационная база, все данные вымышлены</footer>
</body>
</html>
`;
}

export function renderCardPage(p, { today, hide } = {}) {
  const name = shortName(p.patient);
  return layout({
    title: `${name} — карта пациента`,
    today,
    active: 'patients',
    body: html`<main class="page page--card">
<nav class="breadcrumbs"><a href="/patients">Пациенты</a> / <span>${name}</span></nav>
${renderCardFragment(p, { today, hide })}</main>`,
  });
}

function nextActiveAppointment(p, today) {
  return (p.appointments ?? []).find((a) => (a.status === 'booked' || a.status === 'confirmed') && a.start.slice(0, 10) >= today);
}

export function renderListPage(patients, { today }) {
  const rows = patients.map((p) => {
    const pt = p.patient;
    const phone = (p.contacts ?? []).find((c) => c.kind === 'phone' && c.primary)
      ?? (p.contacts ?? []).find((c) => c.kind === 'phone');
    const next = nextActiveAppointment(p, today);
    return html`<tr class="patient-list-row" data-id="${pt.id}">
<td class="pl-id">${pt.id}</td>
<td class="pl-name"><a href="/patients/${pt.id}">${pt.full_name}</a></td>
<td class="pl-birth">${formatDate(pt.birth_date)}</td>
<td class="pl-phone">${phone ? phone.value : L.NONE}</td>
<td class="pl-next">${next ? formatDateTime(next.start) : L.NONE}</td>
<td class="pl-scenario">${p.scenario?.title_ru ?? ''}</td>
</tr>
`;
  });
  return layout({
    title: 'Пациенты',
    today,
    active: 'patients',
    scripts: ['/static/list.js'],
    body: html`<main class="page page--list">
<div class="page-head">
<h1>Пациенты</h1>
<input class="search" id="patient-search" type="search" placeholder="Поиск: фамилия, телефон, № карты" autocomplete="off">
</div>
<table class="mis-table patient-list" id="patient-list">
<thead><tr><th>№ карты</th><th>ФИО</th><th>Дата рождения</th><th>Телефон</th><th>Ближайшая запись</th><th>Демо-сценарий</th></tr></thead>
<tbody>
${rows}</tbody>
</table>
<p class="hint">Всего пациентов: ${patients.length}. Одностраничный режим: <a href="/app">рабочее место администратора</a>.</p>
</main>`,
  });
}

/** The single-page view: the patient list on the side, the card swapped in by /static/app.js. */
export function renderAppShell(patients, current, { today, hide } = {}) {
  const items = patients.map((p) => html`<li><a class="app-patient${current && current.patient.id === p.patient.id ? ' app-patient--active' : ''}" href="/app/patients/${p.patient.id}" data-id="${p.patient.id}"><span class="app-patient__name">${shortName(p.patient)}</span><span class="app-patient__id">${p.patient.id}</span></a></li>
`);
  const main = current
    ? renderCardFragment(current, { today, hide })
    : html`<p class="app-placeholder">Выберите пациента в списке слева.</p>`;
  return layout({
    title: current ? `${shortName(current.patient)} — карта пациента` : 'Рабочее место',
    today,
    active: 'app',
    scripts: ['/static/app.js'],
    bodyClass: 'mis mis--app',
    body: html`<div class="app">
<aside class="app-sidebar">
<input class="search" id="patient-search" type="search" placeholder="Поиск пациента" autocomplete="off">
<ul class="app-patients" id="app-patients">
${items}</ul>
</aside>
<main class="app-main" id="app-main" aria-live="polite">
${main}</main>
</div>`,
  });
}

export function renderNotFound(message, { today }) {
  return layout({
    title: 'Не найдено',
    today,
    active: null,
    body: html`<main class="page"><h1>Не найдено</h1><p>${message}</p><p><a href="/patients">К списку пациентов</a></p></main>`,
  });
}
