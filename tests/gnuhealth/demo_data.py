"""Demo data for the GNU Health end-to-end tests (proteus, in-process trytond).

Run by tests/gnuhealth/setup.sh on a fresh database. Dates are fixed around TODAY (the tests'
clock, tests/e2e/harness.mjs TEST_TODAY) in the clinic's zone, Europe/Moscow (UTC+3); Tryton
stores UTC. Writes demo.json next to the database: the patients' ids and what each shows.
"""
import datetime as dt
import json
import os

from proteus import Model, config

TODAY = dt.date(2026, 11, 23)
UTC_OFFSET = dt.timedelta(hours=3)  # Europe/Moscow, no DST

cfg = config.set_trytond(os.environ.get('DB', 'health'), config_file=os.environ['TRYTOND_CONFIG'])

Party = Model.get('party.party')
Company = Model.get('company.company')
Currency = Model.get('currency.currency')
User = Model.get('res.user')

cur = (Currency.find([('code', '=', 'RUB')]) or [None])[0]
if cur is None:
    cur = Currency(name='Russian Ruble', code='RUB', symbol='₽')
    cur.save()
cparty = Party(name='Клиника «Demo Health»', is_institution=True)
cparty.save()
company = Company(party=cparty, currency=cur, timezone='Europe/Moscow')
company.save()
admin, = User.find([('login', '=', 'admin')])
admin.companies.append(Company(company.id))
admin.company = Company(company.id)
admin.save()
cfg._context = User.get_preferences(True, {})

Institution = Model.get('gnuhealth.institution')
inst = Institution(party=company.party, code='DHC', institution_type='hospital', public_level='private')
inst.save()

Specialty = Model.get('gnuhealth.specialty')
HP = Model.get('gnuhealth.healthprofessional')


def healthprof(given, family, gender, code, specialty_code, user=None):
    party = Party(name=given, lastname=family, is_person=True, is_healthprof=True, gender=gender)
    if user is not None:
        party.internal_user = user
    party.create_target = False
    party.is_patient = False
    party.save()
    hp = HP(party=party, code=code)
    sp, = Specialty.find([('code', '=', specialty_code)])
    line = hp.specialties.new()
    line.specialty = sp
    hp.main_specialty = None
    hp.save()
    return hp, sp


betz, gp = healthprof('Ana', 'Betz', 'f', 'LIC-0001', 'GP', user=admin)
petrova, cardio = healthprof('Ольга', 'Петрова', 'f', 'LIC-0002', 'CARDIO')

Patient = Model.get('gnuhealth.patient')
Appointment = Model.get('gnuhealth.appointment')

# (given, family, gender, dob, [(type, value)], [(date, 'HH:MM', doctor, specialty, state)])
PEOPLE = [
    ('Анна', 'Смирнова', 'f', dt.date(1985, 4, 12),
     [('mobile', '+7 916 123-45-67'), ('email', 'anna.smirnova@example.ru')],
     [(dt.date(2026, 10, 20), '10:00', betz, gp, 'done'),
      (dt.date(2026, 11, 26), '14:00', petrova, cardio, 'confirmed')]),
    ('John', 'Zenon', 'm', dt.date(1978, 3, 14),
     [('phone', '+1 555 0100'), ('email', 'john.zenon@example.org')],
     [(dt.date(2026, 11, 16), '09:30', betz, gp, 'done'),
      (dt.date(2026, 11, 22), '11:00', betz, gp, 'no_show')]),
    ('Сергей', 'Иванов', 'm', dt.date(1960, 1, 30),
     [('mobile', '+7 (903) 765-43-21'), ('phone', '+7 495 123-45-67')],
     [(dt.date(2026, 11, 10), '15:00', petrova, cardio, 'user_cancelled'),
      (dt.date(2026, 12, 7), '12:00', betz, gp, 'confirmed')]),
    ('Emily', 'Clark', 'f', dt.date(1992, 7, 5),
     [('phone', '+44 20 7946 0958')],
     []),
]

demo = {'today': TODAY.isoformat(), 'zone': 'Europe/Moscow', 'patients': []}
for given, family, gender, dob, contacts, appts in PEOPLE:
    party = Party(name=given, lastname=family, is_person=True, is_patient=True, gender=gender, dob=dob)
    for kind, value in contacts:
        cm = party.contact_mechanisms.new()
        cm.type = kind
        cm.value = value
    party.save()  # the party hook creates the gnuhealth.patient
    patient, = Patient.find([('party', '=', party.id)])
    patient.primary_care_doctor = betz
    patient.save()
    shown = []
    for day, hhmm, doctor, specialty, state in appts:
        h, m = map(int, hhmm.split(':'))
        local = dt.datetime.combine(day, dt.time(h, m))
        a = Appointment()
        a.patient = patient
        a.healthprof = doctor
        a.speciality = specialty
        a.institution = inst
        a.appointment_date = local - UTC_OFFSET
        a.comments = 'Demo'
        a.save()
        if a.state != state:
            a.state = state
            a.save()
        shown.append({'start': local.strftime('%Y-%m-%dT%H:%M'), 'doctor': doctor.rec_name,
                      'specialty': specialty.name, 'state': state, 'id': a.id})
    demo['patients'].append({
        'id': patient.id, 'party': party.id, 'puid': patient.puid, 'given': given, 'family': family,
        'gender': gender, 'dob': dob.isoformat(), 'contacts': contacts, 'appointments': shown,
    })

# The first login would open the "Module Configuration" wizard tab otherwise.
Item = Model.get('ir.module.config_wizard.item')
for item in Item.find([('state', '!=', 'done')]):
    item.state = 'done'
    item.save()

with open(os.path.join(os.environ.get('TRYTOND_DATABASE__PATH', '.'), 'demo.json'), 'w') as f:
    json.dump(demo, f, ensure_ascii=False, indent=1)
print(json.dumps(demo, ensure_ascii=False, indent=1))
