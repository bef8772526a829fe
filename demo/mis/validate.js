// A strict check of resolved demo patients against the snapshot contract v1 (snapshot.rs)
// and of the demo-only `scenario` beside it. Stricter than serde on purpose: unknown fields
// are errors, so a typo in patients.json ("apointments") fails loudly instead of silently
// becoming "not read".

export const ENUMS = {
  sex: ['female', 'male'],
  channel: ['call', 'sms', 'whatsapp', 'telegram', 'viber', 'max', 'email'],
  contactKind: ['phone', 'email'],
  appointmentStatus: ['booked', 'confirmed', 'cancelled', 'noshow', 'done'],
  planDecision: ['accepted', 'thinking', 'declined'],
  planItemStatus: ['planned', 'scheduled', 'done', 'cancelled'],
  recallKind: ['hygiene', 'checkup', 'control', 'followup'],
  direction: ['in', 'out'],
  outcome: ['reached', 'no_answer', 'busy', 'booked', 'declined', 'callback', 'do_not_call'],
  sentiment: ['negative', 'neutral', 'positive'],
  day: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
  verdict: ['do_not_contact', 'not_verified', 'wait', 'message_only', 'call'],
  purpose: ['reminder', 'followup', 'invite', 'offer'],
  section: ['patient', 'contacts', 'service_card', 'appointments', 'visits', 'refusals',
    'plans', 'recalls', 'relatives', 'communications', 'feedback'],
  rule: ['already_booked', 'relative_due', 'refused_service', 'recent_full_price',
    'channel_preference', 'outside_window', 'clinic_hours', 'no_call_agreement',
    'no_marketing_consent', 'do_not_contact', 'attempts_exceeded', 'cooldown',
    'negative_experience', 'unjustified_after_consultation', 'no_justified_reason'],
  reason: ['appointment_reminder', 'plan_urgent_unstarted', 'plan_partially_done',
    'control_exam_due', 'followup_agreed', 'hygiene_due', 'checkup_due', 'personal_doctor'],
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
const CLOCK = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

function realDate(s) {
  const [y, m, d] = s.slice(0, 10).split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

// A tiny schema language: each field is [type, required?]. Types: 'string', 'bool', 'number',
// 'date', 'datetime', 'clock', 'enum:<name>', 'list:<type>', an object schema, or a list of one.
const S = {
  patient: {
    id: ['string'], full_name: ['string'], family: ['string'], given: ['string'],
    patronymic: ['string'], birth_date: ['date'], sex: ['enum:sex'], timezone: ['string'],
  },
  contact: {
    value: ['string', true], kind: ['enum:contactKind', true], owner: ['string'],
    messengers: ['list:enum:channel'], primary: ['bool'],
  },
  service_card: {
    notes: ['list:string'],
    consent: [{ calls: ['bool'], messages: ['bool'], advertising: ['bool'] }],
    do_not_contact: ['bool'],
    preferences: [{
      do_not_contact: ['bool'], allowed: ['list:enum:channel'], forbidden: ['list:enum:channel'],
      preferred: ['enum:channel'],
      windows: [[{ days: ['list:enum:day', true], from: ['clock', true], to: ['clock', true] }]],
      contact_person: ['string'], ambiguous: ['list:string'], unparsed: ['list:string'],
    }],
  },
  appointment: {
    start: ['datetime', true], doctor: ['string'], specialty: ['string'], service: ['string'],
    status: ['enum:appointmentStatus', true],
  },
  visit: {
    date: ['date', true], doctor: ['string'], specialty: ['string'],
    services: [[{ name: ['string', true], code: ['string'], price: ['number'], discount_pct: ['number'] }]],
  },
  refusal: { service: ['string', true], date: ['date'], reason: ['string'] },
  plan: {
    id: ['string'], created: ['date'], doctor: ['string'], specialty: ['string'], signed: ['bool'],
    decision: ['enum:planDecision'],
    items: [[{ name: ['string', true], urgent: ['bool'], status: ['enum:planItemStatus', true], due: ['date'] }]],
  },
  recall: {
    kind: ['enum:recallKind', true], due: ['date'], agreed: ['bool'], channel: ['enum:channel'],
    set_by: ['string'],
  },
  relative: {
    name: ['string', true], relation: ['string'], patient_id: ['string'], booked: ['bool'],
    due: ['list:enum:recallKind'],
  },
  communication: {
    at: ['datetime', true], channel: ['enum:channel'], direction: ['enum:direction', true],
    purpose: ['string'], outcome: ['enum:outcome', true], note: ['string'],
  },
  feedback: { date: ['date'], sentiment: ['enum:sentiment', true], text: ['string'] },
};

const EXPECT = {
  verdict: ['enum:verdict', true], rules: ['list:enum:rule'], reasons: ['list:enum:reason'],
  absent_rules: ['list:enum:rule'], unverified: ['list:enum:section'], do_not_offer: ['list:string'],
};

const SCENARIO = {
  key: ['string', true], title_ru: ['string', true], title_en: ['string', true],
  description: ['string', true], expect: [EXPECT, true],
  variants: [[{
    title_en: ['string', true], purpose: ['enum:purpose'], config: ['object'], expect: [EXPECT, true],
  }]],
};

function checkValue(value, type, where, out) {
  if (value === null || value === undefined) return; // optional: caller checks `required`
  if (Array.isArray(type)) {
    if (!Array.isArray(value)) return out.push(`${where}: expected a list`);
    value.forEach((v, i) => checkObject(v, type[0], `${where}[${i}]`, out));
    return;
  }
  if (typeof type === 'object') return checkObject(value, type, where, out);
  if (type.startsWith('list:')) {
    if (!Array.isArray(value)) return out.push(`${where}: expected a list`);
    value.forEach((v, i) => {
      if (v === null) out.push(`${where}[${i}]: null in a list`);
      else checkValue(v, type.slice(5), `${where}[${i}]`, out);
    });
    return;
  }
  if (type.startsWith('enum:')) {
    const allowed = ENUMS[type.slice(5)];
    if (!allowed.includes(value)) out.push(`${where}: ${JSON.stringify(value)} is not one of ${allowed.join('|')}`);
    return;
  }
  const ok = {
    string: () => typeof value === 'string',
    bool: () => typeof value === 'boolean',
    number: () => typeof value === 'number' && Number.isFinite(value),
    object: () => typeof value === 'object' && !Array.isArray(value),
    date: () => typeof value === 'string' && DATE.test(value) && realDate(value),
    datetime: () => typeof value === 'string' && DATE_TIME.test(value) && realDate(value)
      && Number(value.slice(11, 13)) < 24 && Number(value.slice(14, 16)) < 60,
    clock: () => typeof value === 'string' && CLOCK.test(value),
  }[type];
  if (!ok) throw new Error(`validate.js: unknown type ${type}`);
  if (!ok()) out.push(`${where}: ${JSON.stringify(value)} is not a valid ${type}`);
}

function checkObject(obj, schema, where, out) {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    return out.push(`${where}: expected an object`);
  }
  for (const [field, [type, required]] of Object.entries(schema)) {
    const v = obj[field];
    if (v === undefined || v === null) {
      if (required) out.push(`${where}.${field}: required`);
      continue;
    }
    checkValue(v, type, `${where}.${field}`, out);
  }
  for (const field of Object.keys(obj)) {
    if (!(field in schema)) out.push(`${where}.${field}: unknown field`);
  }
}

const LIST_SECTIONS = {
  contacts: S.contact, appointments: S.appointment, visits: S.visit, refusals: S.refusal,
  plans: S.plan, recalls: S.recall, relatives: S.relative, communications: S.communication,
  feedback: S.feedback,
};

/** Problems of one resolved snapshot (contract only), as "where: what" strings. */
export function validateSnapshot(snap, where = 'snapshot') {
  const out = [];
  if (snap === null || typeof snap !== 'object') return [`${where}: expected an object`];
  for (const [key, value] of Object.entries(snap)) {
    if (value === null || value === undefined) continue; // a section not read
    if (key === 'schema') {
      if (typeof value !== 'string') out.push(`${where}.schema: expected a string`);
    } else if (key === 'patient') checkObject(value, S.patient, `${where}.patient`, out);
    else if (key === 'service_card') checkObject(value, S.service_card, `${where}.service_card`, out);
    else if (key in LIST_SECTIONS) checkValue(value, [LIST_SECTIONS[key]], `${where}.${key}`, out);
    else if (key !== 'scenario') out.push(`${where}.${key}: unknown section`);
  }
  return out;
}

/** Problems of the whole demo set: every snapshot, every scenario, ids and links. */
export function validatePatients(patients) {
  const out = [];
  const ids = new Map();
  const keys = new Set();
  patients.forEach((p, i) => {
    const id = p?.patient?.id;
    const where = `patients[${i}]${id ? ` (${id})` : ''}`;
    out.push(...validateSnapshot(p, where));
    if (!id) out.push(`${where}: patient.id is required in the demo (it is the card URL)`);
    else if (!/^[A-Za-z0-9_-]+$/.test(id)) out.push(`${where}: patient.id ${JSON.stringify(id)} must be URL-safe`);
    else if (ids.has(id)) out.push(`${where}: duplicate patient.id ${id}`);
    else ids.set(id, p);
    if (!p.scenario) out.push(`${where}.scenario: required`);
    else {
      checkObject(p.scenario, SCENARIO, `${where}.scenario`, out);
      if (keys.has(p.scenario.key)) out.push(`${where}.scenario.key: duplicate ${p.scenario.key}`);
      keys.add(p.scenario.key);
    }
  });
  // A relative's link must open a real card.
  for (const p of patients) {
    (p.relatives ?? []).forEach((r, j) => {
      if (r?.patient_id && !ids.has(r.patient_id)) {
        out.push(`${p.patient?.id}.relatives[${j}].patient_id: no patient ${r.patient_id}`);
      }
    });
  }
  return out;
}
