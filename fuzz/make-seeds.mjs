// Regenerates the committed seed corpora of the fuzz targets from the test fixtures:
//   node fuzz/make-seeds.mjs
// extract: the saved demo MIS pages (first line: the page URL) and small odd pages;
// checks:  the demo snapshots and the rule fixtures (with their clock and configuration);
// script:  the shipped templates and a few broken ones, then NUL, then a snapshot.
// (prefs has its own hand-written seeds.)
import { mkdirSync, readdirSync, readFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIX = path.join(ROOT, 'tests/fixtures');
const out = (target) => {
  const dir = path.join(ROOT, 'fuzz/corpus', target);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let n = 0;
  return (name, content) => writeFileSync(path.join(dir, `${String(++n).padStart(3, '0')}-${name}`), content);
};

// extract
{
  const put = out('extract');
  const base = path.join(FIX, 'extract/demo-mis');
  for (const c of readdirSync(base).sort()) {
    const page = path.join(base, c, 'page.html');
    if (!existsSync(page)) continue;
    const url = readFileSync(path.join(base, c, 'url'), 'utf8').trim();
    put(c, `${url}\n${readFileSync(page, 'utf8')}`);
  }
  const small = {
    'card-minimal': '<article class="patient-card" id="patient-card" data-patient-id="7"><section id="section-patient"><h1 class="patient-name"><span class="patient-family">Ким</span></h1><dl class="facts"><div class="fact"><dt>Дата рождения</dt><dd class="patient-birth-date">01.02.1990</dd></div></dl></section><section id="section-contacts"><table class="mis-table contacts-table"><thead><tr><th>Контакт</th><th>Тип</th></tr></thead><tbody><tr class="contact-row"><td class="contact-value">+7 900 000-00-00</td><td class="contact-kind">Телефон</td></tr></tbody></table></section></article>',
    'table-colspan': '<article class="patient-card" data-patient-id="x"><section id="section-appointments"><table><thead><tr><th colspan="2">Дата и время</th><th>Статус</th></tr></thead><tbody><tr class="appointment-row"><td colspan="99999">—</td></tr><tr class="appointment-row"><td>31.02.2026 25:61</td><td></td><td>Записан</td></tr></tbody></table></section></article>',
    'labels': '<div id="section-patient"><p><b>Карта №:</b> 12</p><label for="x">Дата рождения</label><input id="x" value="29.02.2023"><select class="patient-sex"><option>Женский<option selected>Мужской</select></div>',
    'deep': `${'<div>'.repeat(2000)}<article class="patient-card" data-patient-id="d">${'<span>'.repeat(500)}`,
    'template': '<template><article class="patient-card" data-patient-id="t"></article></template><article class="patient-card" data-patient-id="u"><ul class="service-notes"><li class="service-note">\u202eне звонить\u200b</li></ul></article>',
    'garbage': '\u0000<\u202e<div id=\u0000>&#0;&#x110000;<svg><foreignObject><math><mi><table><td>',
  };
  for (const [name, html] of Object.entries(small)) put(name, `http://127.0.0.1:8765/patients/1001\n${html}`);
}

// checks and script: snapshots
const demo = JSON.parse(readFileSync(path.join(FIX, 'demo_scenarios.json'), 'utf8'));
const snapshots = demo.patients.map((p) => ({ name: `demo-${p.patient?.id}`, value: { ...p, __now: demo.now } }));
const rulesDir = path.join(FIX, 'rules');
const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
  const p = path.join(dir, e.name);
  return e.isDirectory() ? (existsSync(path.join(p, 'snapshot.json')) ? [p] : walk(p)) : [];
});
for (const dir of walk(rulesDir).sort()) {
  const value = JSON.parse(readFileSync(path.join(dir, 'snapshot.json'), 'utf8'));
  const read = (f) => (existsSync(path.join(dir, f)) ? readFileSync(path.join(dir, f), 'utf8').trim() : null);
  if (read('now')) value.__now = read('now');
  if (read('config.json')) value.__config = JSON.parse(read('config.json'));
  if (read('purpose')) value.__purpose = read('purpose');
  snapshots.push({ name: path.relative(rulesDir, dir).replaceAll('/', '-'), value });
}
{
  const put = out('checks');
  for (const s of snapshots) put(s.name, JSON.stringify(s.value));
}
{
  const put = out('script');
  const ru = readFileSync(path.join(ROOT, 'templates/ru.json'), 'utf8');
  const en = readFileSync(path.join(ROOT, 'templates/en.json'), 'utf8');
  const broken = [
    '{"locale": "ru", "script.greeting": "Здравствуйте, {patient.given}! [{nope}] {patient.given|день|дня|дней} {{ ] ["}',
    '{"locale": "en", "messages.do_not_contact": 7}',
    '{"locale": "de"}',
  ];
  const demoOnly = snapshots.filter((s) => s.name.startsWith('demo-'));
  demoOnly.forEach((s, i) => {
    const templates = i % 3 === 0 ? ru : i % 3 === 1 ? en : broken[i % broken.length];
    const value = i % 2 ? { ...s.value, __config: { locale: 'en' } } : s.value;
    put(s.name, `${templates}\0${JSON.stringify(value)}`);
  });
  broken.forEach((t, i) => put(`broken-${i}`, `${t}\0not json`));
}
