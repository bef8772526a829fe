// The demo patients: patients.json with relative dates, resolved against "today".
//
// patients.json writes dates relative to today so the demo never goes stale:
//   "+3d", "-7d", "-2w", "-6m", "-1y", "today", combinations like "-6m-10d",
//   and date-times as "+3d 14:00" / "-2d 10:15". Absolute "YYYY-MM-DD" (birth dates) and
//   "YYYY-MM-DDTHH:MM" pass through unchanged.
// loadPatients() returns contract-shaped snapshots (snapshot.rs, contract v1) with absolute
// dates: "YYYY-MM-DD", and naive clinic-local date-times "YYYY-MM-DDTHH:MM" (Europe/Moscow).
//
// CLI:  node demo/mis/data.js [--today YYYY-MM-DD] [--jsonl] [--file patients.json]

import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

import { validatePatients } from './validate.js';

export const CLINIC_TIMEZONE = 'Europe/Moscow';
export const SCHEMA = 'precall.snapshot/1';
export const DEFAULT_FILE = fileURLToPath(new URL('./patients.json', import.meta.url));

// The snapshot's sections in contract order; the scenario rides beside them.
export const SNAPSHOT_SECTIONS = [
  'patient', 'contacts', 'service_card', 'appointments', 'visits', 'refusals',
  'plans', 'recalls', 'relatives', 'communications', 'feedback',
];

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const RELATIVE = /^(today|(?:[+-]\d+[dwmy])+)(?: (\d{1,2}):(\d{2}))?$/;
const OFFSET_TOKEN = /([+-])(\d+)([dwmy])/g;

/** Today's date in the clinic's zone, or DEMO_TODAY when set. */
export function defaultToday(env = process.env) {
  if (env.DEMO_TODAY) return parseToday(env.DEMO_TODAY, 'DEMO_TODAY');
  // The clinic's date, not the machine's: the data are clinic-local (Europe/Moscow).
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: CLINIC_TIMEZONE, year: 'numeric', month: '2-digit', day: '2-digit',
  }).format(new Date());
  return parts;
}

/** Checks a "YYYY-MM-DD" and returns it; throws a message naming where it came from. */
export function parseToday(value, source = 'today') {
  const m = ISO_DATE.exec(String(value));
  if (!m || !isRealDate(+m[1], +m[2], +m[3])) {
    throw new Error(`${source}: expected a date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
  return value;
}

function isRealDate(y, mo, d) {
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

const pad = (n, w = 2) => String(n).padStart(w, '0');
const formatDate = (t) => `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;

// Adds months keeping the day when it exists, else the month's last day (31 Aug - 6m = 28/29 Feb).
function addMonths(t, months) {
  const y = t.getUTCFullYear();
  const m = t.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(t.getUTCDate(), lastDay)));
}

/**
 * Resolves one date value against today. `kind` is "date" or "datetime"; a value of the
 * wrong kind is an error (a visit date with a time, an appointment without one).
 */
export function resolveDate(value, today, kind = 'date') {
  if (typeof value !== 'string') throw new Error(`expected a date string, got ${JSON.stringify(value)}`);
  const v = value.trim();
  if (kind === 'date' && ISO_DATE.test(v)) return v;
  if (kind === 'datetime' && ISO_DATE_TIME.test(v)) return v;
  const m = RELATIVE.exec(v);
  if (!m) {
    throw new Error(`cannot read date ${JSON.stringify(value)}: expected "+3d", "-6m", "today"`
      + `${kind === 'datetime' ? ' with a time ("+3d 14:00")' : ''} or an ISO date`);
  }
  const hasTime = m[2] !== undefined;
  if (kind === 'date' && hasTime) throw new Error(`date ${JSON.stringify(value)} must not carry a time`);
  if (kind === 'datetime' && !hasTime) throw new Error(`date-time ${JSON.stringify(value)} needs a time, e.g. "${v} 14:00"`);

  const [ty, tm, td] = parseToday(today).split('-').map(Number);
  let t = new Date(Date.UTC(ty, tm - 1, td));
  if (m[1] !== 'today') {
    for (const [, sign, amount, unit] of m[1].matchAll(OFFSET_TOKEN)) {
      const n = (sign === '-' ? -1 : 1) * Number(amount);
      if (unit === 'd') t = new Date(t.getTime() + n * 86400000);
      else if (unit === 'w') t = new Date(t.getTime() + n * 7 * 86400000);
      else if (unit === 'm') t = addMonths(t, n);
      else t = addMonths(t, 12 * n);
    }
  }
  if (!hasTime) return formatDate(t);
  const hour = Number(m[2]);
  const minute = Number(m[3]);
  if (hour > 23 || minute > 59) throw new Error(`bad time of day in ${JSON.stringify(value)}`);
  return `${formatDate(t)}T${pad(hour)}:${pad(minute)}`;
}

// Where dates live in a snapshot, and how lists are ordered on the card (and so in the
// resolved snapshot, which makes "extraction of the page == the resolved snapshot" exact).
function resolvePatientDates(entry, today) {
  const at = (where, fn) => {
    try {
      return fn();
    } catch (e) {
      throw new Error(`patient ${entry.patient?.id ?? '?'}: ${where}: ${e.message}`);
    }
  };
  const dateOrNull = (v, where) => (v == null ? v : at(where, () => resolveDate(v, today, 'date')));
  const out = structuredClone(entry);

  if (out.patient) {
    out.patient.birth_date = dateOrNull(out.patient.birth_date, 'patient.birth_date');
    if (!out.patient.full_name) {
      out.patient.full_name = [out.patient.family, out.patient.given, out.patient.patronymic]
        .filter(Boolean).join(' ') || null;
    }
  }
  out.appointments?.forEach((a, i) => {
    a.start = at(`appointments[${i}].start`, () => resolveDate(a.start, today, 'datetime'));
  });
  out.visits?.forEach((v, i) => { v.date = at(`visits[${i}].date`, () => resolveDate(v.date, today, 'date')); });
  out.refusals?.forEach((r, i) => { r.date = dateOrNull(r.date, `refusals[${i}].date`); });
  out.plans?.forEach((p, i) => {
    p.created = dateOrNull(p.created, `plans[${i}].created`);
    p.items?.forEach((it, j) => { it.due = dateOrNull(it.due, `plans[${i}].items[${j}].due`); });
  });
  out.recalls?.forEach((r, i) => { r.due = dateOrNull(r.due, `recalls[${i}].due`); });
  out.communications?.forEach((c, i) => {
    c.at = at(`communications[${i}].at`, () => resolveDate(c.at, today, 'datetime'));
  });
  out.feedback?.forEach((f, i) => { f.date = dateOrNull(f.date, `feedback[${i}].date`); });

  // Card order: upcoming appointments first; history, log and feedback newest first.
  const asc = (key) => (a, b) => String(a[key] ?? '').localeCompare(String(b[key] ?? ''));
  const desc = (key) => (a, b) => String(b[key] ?? '').localeCompare(String(a[key] ?? ''));
  out.appointments?.sort(asc('start'));
  out.visits?.sort(desc('date'));
  out.refusals?.sort(desc('date'));
  out.plans?.sort(desc('created'));
  out.recalls?.sort(asc('due'));
  out.communications?.sort(desc('at'));
  out.feedback?.sort(desc('date'));
  return out;
}

/** The raw entries of patients.json, relative dates and all. */
export function readPatientsFile(file = DEFAULT_FILE) {
  let raw;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: ${e.message}`);
  }
  const list = Array.isArray(raw) ? raw : raw.patients;
  if (!Array.isArray(list)) throw new Error(`${file}: expected {"patients": [...]} or an array`);
  return list;
}

/** One entry of patients.json (relative dates) resolved against today, sections in contract order. */
export function resolvePatient(entry, today) {
  const resolved = resolvePatientDates(entry, today);
  const ordered = { schema: SCHEMA };
  for (const s of SNAPSHOT_SECTIONS) if (s in resolved) ordered[s] = resolved[s];
  for (const [k, v] of Object.entries(resolved)) if (!(k in ordered)) ordered[k] = v;
  return ordered;
}

/**
 * All demo patients with absolute dates, each `{schema, patient, contacts, ..., scenario}`.
 * Throws with the patient id and field when a date or a contract field is wrong.
 */
export function loadPatients({ today = defaultToday(), file = DEFAULT_FILE, validate = true } = {}) {
  parseToday(today);
  const patients = readPatientsFile(file).map((entry) => resolvePatient(entry, today));
  if (validate) {
    const problems = validatePatients(patients);
    if (problems.length) throw new Error(`${file}: invalid patients:\n  ${problems.join('\n  ')}`);
  }
  return patients;
}

/** The snapshot alone (contract v1), without the scenario and other demo-only fields. */
export function toSnapshot(patient) {
  const snap = { schema: SCHEMA };
  for (const s of SNAPSHOT_SECTIONS) if (s in patient) snap[s] = patient[s];
  return snap;
}

function main(argv) {
  const args = { today: undefined, jsonl: false, file: DEFAULT_FILE };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--today') args.today = argv[++i];
    else if (a === '--jsonl') args.jsonl = true;
    else if (a === '--file') args.file = path.resolve(argv[++i]);
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: node demo/mis/data.js [--today YYYY-MM-DD] [--jsonl] [--file patients.json]\n');
      return 0;
    } else {
      process.stderr.write(`data.js: unknown argument ${a}\n`);
      return 2;
    }
  }
  try {
    const patients = loadPatients({ today: args.today ?? defaultToday(), file: args.file });
    if (args.jsonl) {
      process.stdout.write(patients.map((p) => JSON.stringify(toSnapshot(p))).join('\n') + '\n');
    } else {
      process.stdout.write(JSON.stringify(patients, null, 2) + '\n');
    }
    return 0;
  } catch (e) {
    process.stderr.write(`data.js: ${e.message}\n`);
    return 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
