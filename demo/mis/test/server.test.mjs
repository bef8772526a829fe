// Self-check of the demo MIS: node --test demo/mis/test/
// Starts the real server (a child process on a free port, DEMO_TODAY fixed) and checks the
// pages, the headers, escaping, ?hide=, the SPA shell, the data file and the CLIs.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { loadPatients, resolveDate, toSnapshot, SNAPSHOT_SECTIONS } from '../data.js';
import { validatePatients, validateSnapshot, ENUMS } from '../validate.js';
import * as L from '../labels.js';
import { CSP } from '../server.js';

const TODAY = '2026-11-23';
const SERVER = fileURLToPath(new URL('../server.js', import.meta.url));
const DATA = fileURLToPath(new URL('../data.js', import.meta.url));
const MARKUP = readFileSync(new URL('../MARKUP.md', import.meta.url), 'utf8');

const patients = loadPatients({ today: TODAY });
const byKey = Object.fromEntries(patients.map((p) => [p.scenario.key, p]));
const byId = Object.fromEntries(patients.map((p) => [p.patient.id, p]));

let child;
let base;

before(async () => {
  child = spawn(process.execPath, [SERVER, '--port', '0', '--quiet'], {
    env: { ...process.env, DEMO_TODAY: TODAY, PORT: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  base = await new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}${err}`)), 10000);
    child.stderr.on('data', (d) => { err += d; });
    child.stdout.on('data', (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}`);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${err}`)));
  });
});

after(() => child?.kill());

async function get(path) {
  const res = await fetch(base + path, { redirect: 'manual' });
  return { res, text: await res.text() };
}

// The card root element of a page, as text (the article is not nested).
function cardOf(html) {
  const start = html.indexOf('<article class="patient-card"');
  const end = html.indexOf('</article>', start);
  assert.ok(start >= 0 && end > start, 'page has a card article');
  return html.slice(start, end + '</article>'.length);
}

const sectionIds = (html) => [...html.matchAll(/<section [^>]*data-section="([a-z_]+)"/g)].map((m) => m[1]);

// Every tag in our pages is from this list and carries no event-handler attribute. Hostile
// text that slipped through unescaped would add <img>, <script> without src, <iframe>, on*=.
const ALLOWED_TAGS = new Set(['html', 'head', 'meta', 'title', 'link', 'script', 'body', 'header', 'nav',
  'a', 'span', 'div', 'main', 'footer', 'article', 'section', 'aside', 'h1', 'h2', 'h3', 'dl', 'dt', 'dd',
  'ul', 'li', 'p', 'strong', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'input']);
function assertSafeMarkup(html, where) {
  for (const [, tag, attrs] of html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g)) {
    const name = tag.toLowerCase();
    assert.ok(ALLOWED_TAGS.has(name), `${where}: unexpected <${name}${attrs}>`);
    // Our attributes are all name="value" or bare names; anything else is broken-out text.
    const parsed = [...attrs.matchAll(/\s+([a-zA-Z][a-zA-Z0-9-]*)(?:="([^"]*)")?/g)];
    assert.equal(parsed.map((m) => m[0]).join(''), attrs.replace(/\s+$/, ''), `${where}: odd attributes in <${name}${attrs}>`);
    const value = Object.fromEntries(parsed.map(([, n, v]) => [n.toLowerCase(), v ?? '']));
    for (const n of Object.keys(value)) {
      assert.ok(!n.startsWith('on'), `${where}: event handler in <${name}${attrs}>`);
      assert.notEqual(n, 'style', `${where}: inline style in <${name}${attrs}>`);
    }
    if (name === 'script') assert.match(value.src ?? '', /^\/static\/[a-z]+\.js$/, `${where}: inline script`);
    if ('href' in value) {
      assert.match(value.href, /^(\/|tel:\+\d+$|mailto:|https:\/\/(wa\.me|t\.me)\/|viber:\/\/)/, `${where}: link ${value.href}`);
    }
  }
}

describe('server', () => {
  it('answers /healthz with ok', async () => {
    const { res, text } = await get('/healthz');
    assert.equal(res.status, 200);
    assert.equal(text, 'ok');
  });

  it('sends the strict CSP on every response, including errors and static files', async () => {
    for (const path of ['/healthz', '/patients', '/patients/1002', '/patients/1002?fragment=1', '/app',
      '/app/patients/1002', '/static/mis.css', '/static/app.js', '/api/patients', '/nope', '/patients/0000',
      '/patients/1002?hide=nonsense', '/', '/favicon.ico']) {
      const { res } = await get(path);
      assert.equal(res.headers.get('content-security-policy'), "default-src 'self'; script-src 'self'", path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
    }
    assert.equal(CSP, "default-src 'self'; script-src 'self'");
  });

  it('serves static files with their types and refuses paths outside static/', async () => {
    assert.match((await get('/static/mis.css')).res.headers.get('content-type'), /^text\/css/);
    assert.match((await get('/static/app.js')).res.headers.get('content-type'), /^text\/javascript/);
    assert.match((await get('/static/list.js')).res.headers.get('content-type'), /^text\/javascript/);
    assert.equal((await get('/static/..%2Fserver.js')).res.status, 404);
    assert.equal((await get('/static/..%2Fpatients.json')).res.status, 404);
    assert.equal((await get('/static/nothing.css')).res.status, 404);
  });

  it('lists every patient with a link to the card', async () => {
    const { res, text } = await get('/patients');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/html; charset=utf-8/);
    for (const p of patients) assert.ok(text.includes(`href="/patients/${p.patient.id}"`), p.patient.id);
    assert.equal((await get('/')).res.status, 302);
  });

  it('renders a card with every section and the page formats', async () => {
    const { res, text } = await get('/patients/1002');
    assert.equal(res.status, 200);
    const card = cardOf(text);
    assert.match(card, /^<article class="patient-card" id="patient-card" data-patient-id="1002">/);
    assert.deepEqual(sectionIds(card), SNAPSHOT_SECTIONS);
    assert.ok(card.includes('<span class="patient-family">Смирнова</span> <span class="patient-given">Елена</span> <span class="patient-patronymic">Викторовна</span>'));
    assert.ok(card.includes('<td class="appt-start">26.11.2026 14:00</td>'), 'the Thursday appointment, +3d 14:00');
    assert.ok(card.includes('<span class="status status--booked">Записан</span>'));
    assert.ok(card.includes('<span class="service-price">6\u00a0500\u00a0₽</span> <span class="service-discount">скидка 10%</span>'));
    assert.ok(card.includes('<dd class="patient-birth-date">03.02.1979</dd>'));
    assert.ok(card.includes('<a class="btn btn-call" href="tel:+79035551234">Позвонить</a>'), '8 903 … becomes +7903…');
    assert.ok(card.includes('href="https://wa.me/79035551234"'));
    assert.ok(text.includes('class="demo-scenario"'), 'the demo note is on the page');
    assert.ok(!card.includes('demo-scenario'), 'but outside the card');
  });

  it('serves the same card markup as a fragment, in the page and in the SPA', async () => {
    for (const p of patients) {
      const id = p.patient.id;
      const page = cardOf((await get(`/patients/${id}`)).text);
      const fragment = (await get(`/patients/${id}?fragment=1`)).text;
      assert.ok(!/<html|<head|<body/.test(fragment), 'a fragment has no page chrome');
      assert.equal(cardOf(fragment), page, `fragment of ${id}`);
      assert.equal(cardOf((await get(`/app/patients/${id}`)).text), page, `SPA card of ${id}`);
    }
  });

  it('serves the SPA shell with the side list and its script', async () => {
    const { res, text } = await get('/app');
    assert.equal(res.status, 200);
    assert.ok(text.includes('<script src="/static/app.js" defer></script>'));
    assert.ok(text.includes('id="app-main"'));
    assert.ok(!text.includes('data-patient-id='), 'no card until one is chosen');
    for (const p of patients) assert.ok(text.includes(`href="/app/patients/${p.patient.id}" data-id="${p.patient.id}"`));
    const one = (await get('/app/patients/1003')).text;
    assert.ok(one.includes('app-patient--active" href="/app/patients/1003"'));
    const js = (await get('/static/app.js')).text;
    assert.match(js, /history\.pushState/);
    assert.match(js, /addEventListener\('popstate'/);
    assert.match(js, /fragment: '1'/);
  });

  it('answers unknown cards and paths with 404 and non-GET with 405', async () => {
    assert.equal((await get('/patients/9999')).res.status, 404);
    assert.equal((await get('/app/patients/9999')).res.status, 404);
    assert.equal((await get('/nothing/here')).res.status, 404);
    assert.equal((await fetch(`${base}/patients`, { method: 'POST' })).status, 405);
  });

  it('leaves out each hidden section entirely, one at a time and together', async () => {
    for (const section of SNAPSHOT_SECTIONS) {
      const { res, text } = await get(`/patients/1001?hide=${section}`);
      assert.equal(res.status, 200);
      const card = cardOf(text);
      assert.deepEqual(sectionIds(card), SNAPSHOT_SECTIONS.filter((s) => s !== section), section);
      assert.ok(!card.includes(`id="section-${section}"`), section);
      assert.match(card, /data-patient-id="1001"/, 'the card root keeps the id');
    }
    const two = cardOf((await get('/patients/1001?hide=visits,plans&fragment=1')).text);
    assert.deepEqual(sectionIds(two), SNAPSHOT_SECTIONS.filter((s) => s !== 'visits' && s !== 'plans'));
    const spa = cardOf((await get('/app/patients/1001?hide=feedback')).text);
    assert.ok(!spa.includes('section-feedback'));
    const bad = await get('/patients/1001?hide=visits,nonsense');
    assert.equal(bad.res.status, 400);
    assert.match(bad.text, /unknown section "nonsense"/);
  });

  it('shows a section that is null in the data nowhere (not read) and an empty list as empty', async () => {
    const card = cardOf((await get(`/patients/${byKey.not_verified_no_log.patient.id}`)).text);
    assert.ok(!card.includes('section-communications'));
    assert.ok(cardOf((await get('/patients/1001')).text).includes('<p class="section-empty">Отказов нет</p>'));
  });

  it('escapes hostile text everywhere: it shows as text and adds no markup', async () => {
    const id = byKey.hostile_text.patient.id;
    for (const path of [`/patients/${id}`, `/patients/${id}?fragment=1`, `/app/patients/${id}`, '/patients', '/app']) {
      const { text } = await get(path);
      assertSafeMarkup(text, path);
    }
    const card = cardOf((await get(`/patients/${id}`)).text);
    assert.ok(card.includes('<span class="patient-family">&lt;img src=x onerror=alert(1)&gt;</span>'));
    assert.ok(card.includes('&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;'));
    assert.ok(card.includes('<li class="service-note">&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt;</li>'));
    assert.ok(card.includes('data-plan-id="&quot;&gt;&lt;img src=x onerror=alert(9)&gt;"'), 'attributes too');
    assert.ok(card.includes('&amp;amp; ещё &amp;lt;'), 'entities in the data are shown literally');
  });

  it('renders every patient card with safe markup only', async () => {
    for (const p of patients) assertSafeMarkup((await get(`/patients/${p.patient.id}`)).text, p.patient.id);
  });

  it('serves the resolved data as JSON', async () => {
    const all = JSON.parse((await get('/api/patients')).text);
    assert.deepEqual(all, patients);
    const snap = JSON.parse((await get('/api/patients/1002?snapshot=1')).text);
    assert.deepEqual(snap, toSnapshot(byId['1002']));
    assert.equal(snap.scenario, undefined);
  });
});

describe('relative dates', () => {
  it('resolves days, weeks, months, years and times against today', () => {
    assert.equal(resolveDate('+3d 14:00', TODAY, 'datetime'), '2026-11-26T14:00');
    assert.equal(resolveDate('-2d 10:15', TODAY, 'datetime'), '2026-11-21T10:15');
    assert.equal(resolveDate('today 9:05', TODAY, 'datetime'), '2026-11-23T09:05');
    assert.equal(resolveDate('+3d', TODAY), '2026-11-26');
    assert.equal(resolveDate('-7d', TODAY), '2026-11-16');
    assert.equal(resolveDate('-2w', TODAY), '2026-11-09');
    assert.equal(resolveDate('-6m', TODAY), '2026-05-23');
    assert.equal(resolveDate('-6m-10d', TODAY), '2026-05-13');
    assert.equal(resolveDate('+1y', TODAY), '2027-11-23');
    assert.equal(resolveDate('+10d', '2026-12-25'), '2027-01-04', 'across a year');
    assert.equal(resolveDate('-6m', '2026-08-31'), '2026-02-28', 'the last day of a shorter month');
    assert.equal(resolveDate('+1y', '2028-02-29'), '2029-02-28');
    assert.equal(resolveDate('+1d', '2026-03-28'), '2026-03-29', 'no DST drift');
    assert.equal(resolveDate('1985-03-14', TODAY), '1985-03-14', 'absolute dates pass through');
    assert.equal(resolveDate('2026-11-26T14:00', TODAY, 'datetime'), '2026-11-26T14:00');
  });

  it('refuses dates of the wrong kind or shape', () => {
    assert.throws(() => resolveDate('+3d', TODAY, 'datetime'), /needs a time/);
    assert.throws(() => resolveDate('+3d 14:00', TODAY, 'date'), /must not carry a time/);
    assert.throws(() => resolveDate('in three days', TODAY), /cannot read date/);
    assert.throws(() => resolveDate('+3d 25:00', TODAY, 'datetime'), /bad time/);
    assert.throws(() => loadPatients({ today: '2026-02-30' }), /expected a date/);
  });

  it('resolves the data file against the given today', () => {
    const later = loadPatients({ today: '2027-03-01' });
    const thursday = later.find((p) => p.patient.id === '1002').appointments.find((a) => a.status === 'booked');
    assert.equal(thursday.start, '2027-03-04T14:00');
  });
});

describe('patients.json', () => {
  it('has at least 18 patients with unique ids and scenario keys', () => {
    assert.ok(patients.length >= 18, `${patients.length} patients`);
    assert.equal(new Set(patients.map((p) => p.patient.id)).size, patients.length);
    assert.equal(new Set(patients.map((p) => p.scenario.key)).size, patients.length);
  });

  it('validates against the snapshot contract and the scenario shape', () => {
    assert.deepEqual(validatePatients(patients), []);
    for (const p of patients) {
      const snap = toSnapshot(p);
      assert.deepEqual(Object.keys(snap), ['schema', ...SNAPSHOT_SECTIONS.filter((s) => s in p)]);
      for (const s of SNAPSHOT_SECTIONS) assert.ok(s in p, `${p.patient.id} states ${s} (null when not shown)`);
      assert.ok(p.patient.family && p.patient.given && p.patient.patronymic, `${p.patient.id}: surname, name, patronymic`);
      assert.match(p.patient.full_name, /^\S.*\S$/);
    }
  });

  it('has a validator that catches wrong fields, enums, dates and missing required fields', () => {
    const bad = structuredClone(toSnapshot(byId['1002']));
    bad.appointments[0].status = 'Записан';
    bad.visits[0].date = '2026-02-30';
    delete bad.contacts[0].kind;
    bad.recalls[0].knd = 'checkup';
    bad.apointments = [];
    bad.communications[0].at = '2026-11-26 14:00';
    const problems = validateSnapshot(bad).join('\n');
    assert.match(problems, /appointments\[0\]\.status: "Записан" is not one of booked\|confirmed/);
    assert.match(problems, /visits\[0\]\.date: "2026-02-30" is not a valid date/);
    assert.match(problems, /contacts\[0\]\.kind: required/);
    assert.match(problems, /recalls\[0\]\.knd: unknown field/);
    assert.match(problems, /apointments: unknown section/);
    assert.match(problems, /communications\[0\]\.at: .* is not a valid datetime/);
  });

  it('uses only the contract enums and the rule and reason ids', () => {
    for (const p of patients) {
      const e = p.scenario.expect;
      assert.ok(ENUMS.verdict.includes(e.verdict));
      for (const r of [...e.rules, ...(e.absent_rules ?? [])]) assert.ok(ENUMS.rule.includes(r), r);
      for (const r of e.reasons) assert.ok(ENUMS.reason.includes(r), r);
      for (const r of e.rules) assert.ok(!(e.absent_rules ?? []).includes(r), `${p.patient.id}: ${r} both required and absent`);
    }
  });

  it('links relatives to real cards, with bookings that match those cards', () => {
    let links = 0;
    for (const p of patients) {
      for (const r of p.relatives ?? []) {
        if (!r.patient_id) continue;
        links += 1;
        const other = byId[r.patient_id];
        assert.ok(other, `${p.patient.id} -> ${r.patient_id}`);
        const booked = (other.appointments ?? []).some((a) => ['booked', 'confirmed'].includes(a.status) && a.start >= TODAY);
        assert.equal(r.booked, booked, `${p.patient.id}: relative ${r.patient_id} booked`);
      }
    }
    assert.ok(links >= 2, 'a relative has their own card, linked both ways');
  });

  // Every situation of the playbook the demo promises, with the data that makes it so.
  const active = (p) => (p.appointments ?? []).filter((a) => ['booked', 'confirmed'].includes(a.status) && a.start >= TODAY);
  const unanswered = (p) => (p.communications ?? []).filter((c) => c.direction === 'out' && ['no_answer', 'busy'].includes(c.outcome));
  const dueRecall = (p, kind) => (p.recalls ?? []).some((r) => r.kind === kind && r.agreed && r.due && r.due <= TODAY);
  const situations = {
    all_clear: (p) => p.service_card.consent.calls === true && !p.service_card.notes.length && !active(p).length,
    already_booked: (p) => active(p).some((a) => a.start === '2026-11-26T14:00' && a.doctor.startsWith('Петрова')),
    relative_booked: (p) => p.relatives.some((r) => r.booked && r.patient_id),
    relative_own_card: (p) => p.relatives.some((r) => r.patient_id && r.due.length) && p.contacts[0].owner !== 'self',
    refused_service: (p) => p.refusals.some((r) => r.service === 'Имплантация' && /[Пп]ротивопоказания/.test(r.reason)),
    recent_full_price: (p) => p.visits.some((v) => v.date >= '2026-11-16' && v.services.some((s) => s.price > 0 && !s.discount_pct)),
    whatsapp_weekdays_12_15: (p) => p.service_card.notes.includes('только вацап, в будни с 12 до 15')
      && p.contacts.some((c) => c.messengers.includes('whatsapp')),
    no_call_agreement: (p) => p.service_card.consent.calls !== true,
    attempts_exceeded: (p) => unanswered(p).length >= 4,
    cooldown: (p) => unanswered(p).some((c) => c.at >= '2026-11-21T10:00'),
    plan_urgent_unstarted: (p) => p.plans.some((pl) => pl.signed && pl.items.some((i) => i.urgent && i.status === 'planned')),
    plan_partially_done: (p) => p.plans.some((pl) => pl.signed && pl.items.some((i) => i.status === 'done') && pl.items.some((i) => i.status === 'planned')),
    control_exam_due: (p) => dueRecall(p, 'control') && !active(p).length,
    followup_agreed: (p) => dueRecall(p, 'followup'),
    hygiene_due: (p) => dueRecall(p, 'hygiene'),
    checkup_due: (p) => dueRecall(p, 'checkup'),
    unsigned_plan_thinking: (p) => p.plans.some((pl) => pl.signed === false && pl.decision === 'thinking'),
    negative_feedback: (p) => p.feedback.some((f) => f.sentiment === 'negative'),
    do_not_contact: (p) => p.service_card.do_not_contact === true && /не беспокоить/i.test(p.service_card.notes.join(' ')),
    hostile_text: (p) => p.patient.family === '<img src=x onerror=alert(1)>' && p.service_card.notes.some((n) => n.includes('<script>')),
    clinic_hours_abroad: (p) => p.patient.timezone === 'Europe/Berlin',
    telegram_no_calls: (p) => p.contacts.some((c) => c.messengers.includes('telegram')),
    no_justified_reason: (p) => !p.plans.length && !(p.recalls ?? []).some((r) => r.due <= TODAY),
    personal_doctor: (p) => /звонит ей сам/.test(p.service_card.notes.join(' ')),
    not_verified_no_log: (p) => p.communications === null,
  };

  it('covers every situation of the playbook, each backed by its data', () => {
    for (const [key, holds] of Object.entries(situations)) {
      const p = byKey[key];
      assert.ok(p, `scenario ${key} is missing`);
      assert.ok(holds(p), `scenario ${key} (${p.patient.id}) no longer shows its situation`);
    }
  });

  it('has phones in Russian formats with messenger marks, and e-mail', () => {
    const phones = patients.flatMap((p) => (p.contacts ?? []).filter((c) => c.kind === 'phone'));
    assert.ok(phones.some((c) => c.value.startsWith('+7 (')), '+7 (9xx) …');
    assert.ok(phones.some((c) => c.value.startsWith('8 ')), '8 9xx …');
    for (const m of ['whatsapp', 'telegram', 'viber', 'max']) assert.ok(phones.some((c) => c.messengers.includes(m)), m);
    assert.ok(patients.some((p) => (p.contacts ?? []).some((c) => c.kind === 'email')));
    assert.ok(patients.some((p) => p.service_card?.consent?.calls === null), 'a consent "не указано"');
  });
});

describe('MARKUP.md', () => {
  it('documents every label the card shows', () => {
    const maps = [L.SEX, L.CONTACT_KIND, L.CHANNEL, L.APPOINTMENT_STATUS, L.PLAN_SIGNED, L.PLAN_DECISION,
      L.PLAN_ITEM_STATUS, L.URGENCY, L.RECALL_KIND, L.RELATIVE_BOOKED, L.DIRECTION, L.PURPOSE, L.OUTCOME, L.SENTIMENT,
      L.TRI_STATE, L.SECTION_TITLES];
    for (const map of maps) for (const word of Object.values(map)) assert.ok(MARKUP.includes(word), word);
    assert.ok(MARKUP.includes(L.OWNER_SELF));
  });

  it('lists every scenario with its expected verdict', () => {
    for (const p of patients) {
      const row = MARKUP.split('\n').find((line) => line.startsWith(`| ${p.patient.id} |`));
      assert.ok(row, `MARKUP.md has no row for ${p.patient.id}`);
      assert.ok(row.includes(`\`${p.scenario.key}\``) && row.includes(`\`${p.scenario.expect.verdict}\``), row);
    }
  });
});

describe('command line', () => {
  const run = (args, env = {}) => spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ...env } });

  it('data.js prints the resolved array and one snapshot per line', () => {
    const json = run([DATA, '--today', TODAY]);
    assert.equal(json.status, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), patients);
    const jsonl = run([DATA, '--today', TODAY, '--jsonl']);
    assert.equal(jsonl.status, 0, jsonl.stderr);
    const lines = jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, patients.length);
    assert.ok(lines.every((s) => s.scenario === undefined && s.schema === 'precall.snapshot/1'));
    assert.deepEqual(lines[1], toSnapshot(patients[1]));
  });

  it('data.js takes DEMO_TODAY and rejects a bad date with exit code 2', () => {
    const env = run([DATA, '--jsonl'], { DEMO_TODAY: TODAY });
    assert.equal(env.status, 0, env.stderr);
    assert.match(env.stdout, /"2026-11-26T14:00"/);
    const bad = run([DATA, '--today', '23.11.2026']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /expected a date YYYY-MM-DD/);
  });

  it('server.js --render prints the same card page the server serves', async () => {
    const out = run([SERVER, '--render', '1002', '--today', TODAY]);
    assert.equal(out.status, 0, out.stderr);
    assert.equal(out.stdout, (await get('/patients/1002')).text);
    const hidden = run([SERVER, '--render', '1002', '--today', TODAY, '--hide', 'visits,feedback']);
    assert.deepEqual(sectionIds(hidden.stdout), SNAPSHOT_SECTIONS.filter((s) => s !== 'visits' && s !== 'feedback'));
    const fragment = run([SERVER, '--render', '1002', '--today', TODAY, '--fragment']);
    assert.equal(fragment.stdout, (await get('/patients/1002?fragment=1')).text);
    const missing = run([SERVER, '--render', 'nobody', '--today', TODAY]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no patient with id nobody/);
  });
});
