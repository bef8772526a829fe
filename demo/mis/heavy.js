// The heavy patient card for the benchmark (issue 9): one generated, deterministic patient
// with a long history, served at /patients/heavy (and /app/patients/heavy) with the same
// markup as every other card, so the demo profile reads it like any other. It is not in
// patients.json (trainers' data stays readable) and not in the patient list.
//
//   2,000 visits (1-3 services each), 200 appointments, 50 relatives,
//   5,000 communication entries, plus a few refusals, plans, recalls and feedback.
//
// The same `today` always gives the same patient (a seeded generator, dates relative to today).
//
// CLI: node demo/mis/heavy.js [--today YYYY-MM-DD]   (prints the resolved snapshot as JSON)

import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { defaultToday, parseToday, resolvePatient, toSnapshot } from './data.js';
import { validateSnapshot } from './validate.js';

export const HEAVY_ID = 'heavy';
export const HEAVY_SIZES = { visits: 2000, appointments: 200, relatives: 50, communications: 5000 };

/** A small deterministic PRNG (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DOCTORS = [
  ['Петрова Анна Игоревна', 'стоматолог-терапевт'],
  ['Смирнов Олег Павлович', 'стоматолог-хирург'],
  ['Кузнецова Ирина Львовна', 'стоматолог-ортопед'],
  ['Волков Денис Андреевич', 'ортодонт'],
  ['Орлова Мария Сергеевна', 'гигиенист'],
];
const SERVICES = [
  ['A16.07.051', 'Профессиональная гигиена полости рта', 6500],
  ['B04.065.002', 'Профилактический осмотр стоматолога', 0],
  ['A16.07.002', 'Лечение кариеса, пломба светового отверждения', 7800],
  ['A16.07.008', 'Лечение пульпита, один канал', 9200],
  ['A06.07.010', 'Прицельный рентгеновский снимок', 600],
  ['A16.07.004', 'Коронка металлокерамическая', 24000],
  ['A16.07.030', 'Удаление зуба простое', 4200],
];
const GIVEN = ['Анна', 'Олег', 'Ирина', 'Денис', 'Мария', 'Павел', 'Светлана', 'Игорь', 'Елена', 'Никита'];
const FAMILY = ['Иванов', 'Петров', 'Сидоров', 'Кузнецов', 'Попов', 'Лебедев', 'Козлов', 'Новиков', 'Морозов', 'Волков'];
const RELATIONS = ['сын', 'дочь', 'муж', 'мать', 'отец', 'брат', 'сестра', 'внук', 'внучка', 'племянник'];
const PURPOSES = ['reminder', 'followup', 'invite', 'offer', 'Уточнение оплаты'];
const OUTCOMES = ['reached', 'reached', 'reached', 'no_answer', 'busy', 'booked', 'callback'];
const CHANNELS = ['call', 'call', 'call', 'whatsapp', 'sms', 'telegram'];
const RECALL_KINDS = ['hygiene', 'checkup', 'control', 'followup'];

/** The raw entry (relative dates), as it would be written in patients.json. */
export function heavyEntry() {
  const r = rng(20261123);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const clock = () => `${String(9 + Math.floor(r() * 10)).padStart(2, '0')}:${pick(['00', '15', '30', '45'])}`;

  const appointments = [];
  for (let i = 0; i < HEAVY_SIZES.appointments; i++) {
    const [doctor, specialty] = pick(DOCTORS);
    const future = i < 3; // three upcoming ones, the rest history
    const day = future ? 10 + i * 7 : 5 + i * 18;
    appointments.push({
      start: `${future ? '+' : '-'}${day}d ${clock()}`,
      doctor,
      specialty,
      service: pick(SERVICES)[1],
      status: future ? pick(['booked', 'confirmed']) : pick(['done', 'done', 'done', 'cancelled', 'noshow']),
    });
  }

  const visits = [];
  for (let i = 0; i < HEAVY_SIZES.visits; i++) {
    const [doctor, specialty] = pick(DOCTORS);
    const services = [];
    const n = 1 + Math.floor(r() * 3);
    for (let j = 0; j < n; j++) {
      const [code, name, price] = pick(SERVICES);
      const s = { name, code, price };
      if (r() < 0.2) s.discount_pct = pick([5, 10, 15]);
      services.push(s);
    }
    visits.push({ date: `-${30 + i * 2}d`, doctor, specialty, services });
  }

  const relatives = [];
  for (let i = 0; i < HEAVY_SIZES.relatives; i++) {
    const relation = pick(RELATIONS);
    relatives.push({
      name: `${pick(FAMILY)}${relation === 'дочь' || relation === 'мать' || relation === 'сестра' || relation === 'внучка' ? 'а' : ''} ${pick(GIVEN)}`,
      relation,
      booked: pick([true, false, null]),
      due: r() < 0.3 ? [pick(RECALL_KINDS)] : [],
    });
  }

  const communications = [];
  for (let i = 0; i < HEAVY_SIZES.communications; i++) {
    const outcome = pick(OUTCOMES);
    communications.push({
      at: `-${14 + Math.floor(i * 0.7)}d ${clock()}`,
      channel: pick(CHANNELS),
      direction: r() < 0.8 ? 'out' : 'in',
      purpose: pick(PURPOSES),
      outcome,
      note: outcome === 'reached' ? pick(['Подтвердила визит', 'Перезвонит сама', 'Уточнила стоимость', 'Всё в порядке']) : null,
    });
  }

  return {
    patient: {
      id: HEAVY_ID,
      family: 'Многоисторная',
      given: 'Вера',
      patronymic: 'Павловна',
      birth_date: '1961-04-02',
      sex: 'female',
      timezone: null,
    },
    contacts: [
      { value: '+7 (916) 555-12-34', kind: 'phone', owner: 'self', messengers: ['whatsapp', 'telegram'], primary: true },
      { value: 'vera.mnogo@mail.ru', kind: 'email', owner: 'self', messengers: [], primary: false },
      { value: '+7 (903) 555-98-76', kind: 'phone', owner: 'дочь', messengers: ['whatsapp'], primary: false },
    ],
    service_card: {
      notes: ['Лучше писать в WhatsApp, звонить в будни с 12 до 15', 'Дочь помогает с записью'],
      consent: { calls: true, messages: true, advertising: false },
      do_not_contact: false,
    },
    appointments,
    visits,
    refusals: [
      { date: '-400d', service: 'Имплантация', reason: 'Дорого' },
      { date: '-900d', service: 'Отбеливание', reason: null },
      { date: '-1200d', service: 'Виниры', reason: 'Не нужно' },
    ],
    plans: [
      {
        id: 'H-1', created: '-200d', doctor: DOCTORS[2][0], specialty: DOCTORS[2][1], signed: true, decision: 'accepted',
        items: [
          { name: 'Коронка 3.6', urgent: false, status: 'done', due: '-150d' },
          { name: 'Коронка 4.6', urgent: false, status: 'planned', due: '+40d' },
          { name: 'Лечение 2.5', urgent: true, status: 'scheduled', due: '+10d' },
        ],
      },
      {
        id: 'H-2', created: '-800d', doctor: DOCTORS[1][0], specialty: DOCTORS[1][1], signed: false, decision: 'thinking',
        items: [{ name: 'Удаление 3.8', urgent: false, status: 'planned', due: null }],
      },
    ],
    recalls: [
      { kind: 'hygiene', due: '+20d', agreed: true, channel: 'whatsapp', set_by: DOCTORS[4][0] },
      { kind: 'checkup', due: '+60d', agreed: false, channel: null, set_by: DOCTORS[0][0] },
    ],
    relatives,
    communications,
    feedback: [
      { date: '-100d', sentiment: 'positive', text: 'Спасибо доктору Петровой' },
      { date: '-700d', sentiment: 'neutral', text: 'Долго ждала в коридоре' },
    ],
  };
}

const cache = new Map();

/** The heavy patient resolved against `today` (cached per date), in the shape loadPatients gives. */
export function heavyPatient(today = defaultToday()) {
  parseToday(today);
  if (!cache.has(today)) {
    const p = resolvePatient(heavyEntry(), today);
    const problems = validateSnapshot(p, 'heavy');
    if (problems.length) throw new Error(`heavy patient: ${problems.slice(0, 5).join('; ')}`);
    cache.clear();
    cache.set(today, p);
  }
  return cache.get(today);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const i = process.argv.indexOf('--today');
  const today = i > 0 ? parseToday(process.argv[i + 1], '--today') : defaultToday();
  process.stdout.write(`${JSON.stringify(toSnapshot(heavyPatient(today)))}\n`);
}
