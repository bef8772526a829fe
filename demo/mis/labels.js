// The Russian words the demo MIS shows for each contract enum value.
// One map per enum, each a bijection, so a site profile can map the page text back to the
// contract value without guessing. MARKUP.md documents the same tables; keep them in sync
// (test/server.test.mjs checks that every value here appears in MARKUP.md).

export const SECTION_TITLES = {
  patient: 'Пациент',
  contacts: 'Контакты',
  service_card: 'Сервисная карта',
  appointments: 'Записи',
  visits: 'История посещений',
  refusals: 'Отказы',
  plans: 'Планы лечения',
  recalls: 'Напоминания и контроль',
  relatives: 'Родственники',
  communications: 'Журнал коммуникаций',
  feedback: 'Отзывы',
};

// The order sections appear on the card (the contract's order).
export const SECTIONS = Object.keys(SECTION_TITLES);

export const SEX = { female: 'Женский', male: 'Мужской' };

export const CONTACT_KIND = { phone: 'Телефон', email: 'E-mail' };

// `owner: "self"` is shown as this word; any other owner (a relation) is shown verbatim.
export const OWNER_SELF = 'Пациент';

export const CHANNEL = {
  call: 'Звонок',
  sms: 'SMS',
  whatsapp: 'WhatsApp',
  telegram: 'Telegram',
  viber: 'Viber',
  max: 'MAX',
  email: 'E-mail',
};

// Consent and other tri-state flags: true / false / null.
export const TRI_STATE = { true: 'да', false: 'нет', null: 'не указано' };

export const APPOINTMENT_STATUS = {
  booked: 'Записан',
  confirmed: 'Подтверждена',
  cancelled: 'Отменена',
  noshow: 'Неявка',
  done: 'Состоялась',
};

export const PLAN_SIGNED = { true: 'Подписан', false: 'Не подписан', null: '—' };

export const PLAN_DECISION = {
  accepted: 'Согласен',
  thinking: 'Думает',
  declined: 'Отказался',
  null: '—',
};

export const PLAN_ITEM_STATUS = {
  planned: 'Запланирован',
  scheduled: 'Назначен',
  done: 'Выполнен',
  cancelled: 'Отменён',
};

export const URGENCY = { true: 'Срочно', false: 'Планово' };

export const RECALL_KIND = {
  hygiene: 'Профгигиена',
  checkup: 'Профосмотр',
  control: 'Контрольный осмотр',
  followup: 'Звонок после лечения',
};

export const RELATIVE_BOOKED = { true: 'Записан', false: 'Не записан', null: '—' };

export const DIRECTION = { in: 'Входящий', out: 'Исходящий' };

// Communication purposes: the config's purposes get fixed words; any other purpose string
// in the data is shown verbatim.
export const PURPOSE = {
  reminder: 'Напоминание о записи',
  followup: 'Звонок после лечения',
  invite: 'Приглашение на приём',
  offer: 'Акция / предложение',
};

export const OUTCOME = {
  reached: 'Связались',
  no_answer: 'Не ответил',
  busy: 'Занято',
  booked: 'Записан',
  declined: 'Отказался',
  callback: 'Просил перезвонить',
  do_not_call: 'Просит не беспокоить',
};

export const SENTIMENT = {
  negative: 'Негативный',
  neutral: 'Нейтральный',
  positive: 'Положительный',
};

// The text shown instead of a missing value in a table cell.
export const NONE = '—';
