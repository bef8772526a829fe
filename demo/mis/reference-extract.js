// A reference extraction of the demo MIS card, written from MARKUP.md with plain DOM calls.
// It is the executable form of MARKUP.md's promise: reading a card page gives exactly the
// snapshot `node demo/mis/data.js --jsonl` prints. The browser test runs it in Chromium on
// every card. It is not the extension's extractor (that is a site profile in Rust); profile
// authors can diff against it.
//
// Self-contained on purpose: it is passed to page.evaluate() as source, so no imports.

export function extractCard(root) {
  const NONE = '—';
  const invert = (map) => Object.fromEntries(Object.entries(map).map(([k, v]) => [v, k]));
  const CHANNEL = invert({ call: 'Звонок', sms: 'SMS', whatsapp: 'WhatsApp', telegram: 'Telegram', viber: 'Viber', max: 'MAX', email: 'E-mail' });
  const STATUS = invert({ booked: 'Записан', confirmed: 'Подтверждена', cancelled: 'Отменена', noshow: 'Неявка', done: 'Состоялась' });
  const ITEM_STATUS = invert({ planned: 'Запланирован', scheduled: 'Назначен', done: 'Выполнен', cancelled: 'Отменён' });
  const DECISION = invert({ accepted: 'Согласен', thinking: 'Думает', declined: 'Отказался' });
  const RECALL = invert({ hygiene: 'Профгигиена', checkup: 'Профосмотр', control: 'Контрольный осмотр', followup: 'Звонок после лечения' });
  const PURPOSE = invert({ reminder: 'Напоминание о записи', followup: 'Звонок после лечения', invite: 'Приглашение на приём', offer: 'Акция / предложение' });
  const OUTCOME = invert({ reached: 'Связались', no_answer: 'Не ответил', busy: 'Занято', booked: 'Записан', declined: 'Отказался', callback: 'Просил перезвонить', do_not_call: 'Просит не беспокоить' });
  const SENTIMENT = invert({ negative: 'Негативный', neutral: 'Нейтральный', positive: 'Положительный' });
  const FLAG = { 'да': true, 'нет': false, 'не указано': null };

  const text = (el) => (el ? el.textContent : null);
  const cell = (row, cls) => row.querySelector(`.${cls}`);
  const value = (el) => { const t = text(el); return t === null || t === NONE ? null : t; };
  const date = (s) => (s && s !== NONE ? s.replace(/^(\d{2})\.(\d{2})\.(\d{4})$/, '$3-$2-$1') : null);
  const dateTime = (s) => s.replace(/^(\d{2})\.(\d{2})\.(\d{4}) (\d{2}:\d{2})$/, '$3-$2-$1T$4');
  const number = (s) => Number(s.replace(/[\s\u00a0₽%]|скидка/g, '').replace(',', '.'));
  const section = (name) => root.querySelector(`#section-${name}`);
  const rows = (sec, cls) => (sec ? [...sec.querySelectorAll(`tr.${cls}`)] : []);
  // The value next to a label in a `dl.facts`.
  const fact = (scope, label) => {
    const dt = [...scope.querySelectorAll('dt')].find((d) => d.textContent === label);
    return dt ? dt.nextElementSibling : null;
  };

  const snap = { schema: 'precall.snapshot/1' };

  const pSec = section('patient');
  if (pSec) {
    const span = (cls) => text(pSec.querySelector(`.${cls}`));
    const sex = text(fact(pSec, 'Пол'));
    snap.patient = {
      id: text(fact(pSec, 'Карта №')),
      family: span('patient-family'),
      given: span('patient-given'),
      patronymic: span('patient-patronymic'),
      birth_date: date(text(fact(pSec, 'Дата рождения'))),
      sex: sex === 'Женский' ? 'female' : sex === 'Мужской' ? 'male' : null,
      timezone: text(fact(pSec, 'Часовой пояс')),
      full_name: text(pSec.querySelector('.patient-name')),
    };
  }

  const cSec = section('contacts');
  if (cSec) {
    snap.contacts = rows(cSec, 'contact-row').map((r) => ({
      value: text(cell(r, 'contact-value')),
      kind: text(cell(r, 'contact-kind')) === 'E-mail' ? 'email' : 'phone',
      owner: text(cell(r, 'contact-owner')) === 'Пациент' ? 'self' : text(cell(r, 'contact-owner')),
      messengers: [...r.querySelectorAll('.messenger')].map((m) => CHANNEL[m.textContent]),
      primary: text(cell(r, 'contact-primary')) === 'да',
    }));
  }

  const sSec = section('service_card');
  if (sSec) {
    const consent = sSec.querySelector('dl.consent');
    const dnc = fact(sSec, 'Не беспокоить');
    snap.service_card = {
      notes: [...sSec.querySelectorAll('li.service-note')].map((li) => li.textContent),
      consent: consent
        ? {
          calls: FLAG[text(fact(consent, 'Согласие на звонки'))],
          messages: FLAG[text(fact(consent, 'Согласие на сообщения'))],
          advertising: FLAG[text(fact(consent, 'Согласие на рекламу'))],
        }
        : null,
      do_not_contact: dnc ? FLAG[dnc.textContent] : null,
    };
  }

  const aSec = section('appointments');
  if (aSec) {
    snap.appointments = rows(aSec, 'appointment-row').map((r) => ({
      start: dateTime(text(cell(r, 'appt-start'))),
      doctor: value(cell(r, 'appt-doctor')),
      specialty: value(cell(r, 'appt-specialty')),
      service: value(cell(r, 'appt-service')),
      status: STATUS[text(cell(r, 'appt-status'))],
    }));
  }

  const vSec = section('visits');
  if (vSec) {
    snap.visits = rows(vSec, 'visit-row').map((r) => ({
      date: date(text(cell(r, 'visit-date'))),
      doctor: value(cell(r, 'visit-doctor')),
      specialty: value(cell(r, 'visit-specialty')),
      services: [...r.querySelectorAll('li.visit-service')].map((li) => {
        const part = (cls) => li.querySelector(`.${cls}`);
        return {
          name: text(part('service-name')),
          code: text(part('service-code')),
          price: part('service-price') ? number(part('service-price').textContent) : null,
          discount_pct: part('service-discount') ? number(part('service-discount').textContent) : null,
        };
      }),
    }));
  }

  const rSec = section('refusals');
  if (rSec) {
    snap.refusals = rows(rSec, 'refusal-row').map((r) => ({
      service: text(cell(r, 'refusal-service')),
      date: date(text(cell(r, 'refusal-date'))),
      reason: value(cell(r, 'refusal-reason')),
    }));
  }

  const plSec = section('plans');
  if (plSec) {
    snap.plans = [...plSec.querySelectorAll('div.plan')].map((pl) => {
      const signed = text(fact(pl, 'Подпись пациента'));
      return {
        id: text(pl.querySelector('.plan-id')),
        created: date(text(fact(pl, 'Дата составления'))),
        doctor: value(fact(pl, 'Врач')),
        specialty: value(fact(pl, 'Специальность')),
        signed: signed === 'Подписан' ? true : signed === 'Не подписан' ? false : null,
        decision: DECISION[text(fact(pl, 'Решение пациента'))] ?? null,
        items: rows(pl, 'plan-item').map((r) => ({
          name: text(cell(r, 'plan-item-name')),
          urgent: text(cell(r, 'plan-item-urgency')) === 'Срочно',
          status: ITEM_STATUS[text(cell(r, 'plan-item-status'))],
          due: date(text(cell(r, 'plan-item-due'))),
        })),
      };
    });
  }

  const reSec = section('recalls');
  if (reSec) {
    snap.recalls = rows(reSec, 'recall-row').map((r) => ({
      kind: RECALL[text(cell(r, 'recall-kind'))],
      due: date(text(cell(r, 'recall-due'))),
      agreed: text(cell(r, 'recall-agreed')) === 'да',
      channel: CHANNEL[text(cell(r, 'recall-channel'))] ?? null,
      set_by: value(cell(r, 'recall-set-by')),
    }));
  }

  const relSec = section('relatives');
  if (relSec) {
    snap.relatives = rows(relSec, 'relative-row').map((r) => {
      const booked = text(cell(r, 'relative-booked'));
      return {
        name: text(cell(r, 'relative-name')),
        relation: value(cell(r, 'relative-relation')),
        patient_id: r.dataset.relativeId ?? null,
        booked: booked === 'Записан' ? true : booked === 'Не записан' ? false : null,
        due: [...r.querySelectorAll('.due-mark')].map((m) => RECALL[m.textContent]),
      };
    });
  }

  const coSec = section('communications');
  if (coSec) {
    snap.communications = rows(coSec, 'comm-row').map((r) => {
      const purpose = value(cell(r, 'comm-purpose'));
      return {
        at: dateTime(text(cell(r, 'comm-at'))),
        channel: CHANNEL[text(cell(r, 'comm-channel'))] ?? null,
        direction: text(cell(r, 'comm-direction')) === 'Входящий' ? 'in' : 'out',
        purpose: purpose === null ? null : PURPOSE[purpose] ?? purpose,
        outcome: OUTCOME[text(cell(r, 'comm-outcome'))],
        note: value(cell(r, 'comm-note')),
      };
    });
  }

  const fSec = section('feedback');
  if (fSec) {
    snap.feedback = rows(fSec, 'feedback-row').map((r) => ({
      date: date(text(cell(r, 'feedback-date'))),
      sentiment: SENTIMENT[text(cell(r, 'feedback-sentiment'))],
      text: value(cell(r, 'feedback-text')),
    }));
  }
  return snap;
}

/** Drops null-valued object keys recursively: the contract reads null and absent alike. */
export function withoutNulls(v) {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null && x !== undefined).map(([k, x]) => [k, withoutNulls(x)]));
  }
  return v;
}
