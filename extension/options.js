// The options page: the call log's export, import and set-aside data (issue 6). The work is
// the service worker's (it is the log's only writer) and the core's; this page only asks and
// shows. Self-contained: later settings (issue 8) add their own sections and scripts.
(() => {
  'use strict';
  const WORDS = {
    ru: {
      title: 'Перед звонком',
      log_title: 'Журнал звонков',
      log_about: 'Журнал хранится только в этом браузере. Выгрузка — файл на этом компьютере; загрузка объединяет записи без повторов.',
      export_json: 'Выгрузить JSON',
      export_csv: 'Выгрузить CSV',
      import_label: 'Загрузить журнал (JSON или CSV):',
      clear_unreadable: 'Удалить отложенное',
      status: (s) => `Пациентов: ${s.patients}, записей: ${s.entries}. Занято ${kb(s.bytes)} из ${kb(s.quota)}.`,
      unreadable: (n) => `Не удалось прочитать: ${n}. Эти данные отложены, а не удалены; они есть в выгрузке JSON (раздел "unreadable"). Выгрузите журнал, прежде чем удалять отложенное.`,
      confirm_clear: 'Удалить отложенные нечитаемые данные? Сначала выгрузите журнал в JSON — иначе они пропадут.',
      exported: (n, u) => `Выгружено записей: ${n}${u ? `, отложенных: ${u}` : ''}.`,
      imported: (r) => `Загружено: новых ${r.added}, обновлено ${r.updated}, уже были ${r.duplicates}.`,
      rejected: (r) => ` Не прочитано: ${r.length} (${r.slice(0, 3).join('; ')}${r.length > 3 ? '; …' : ''}).`,
      skipped: (n) => ` Отложенные данные из файла (${n}) не загружались: они остаются в файле.`,
      failed: 'Не получилось: ',
      quota: 'память расширения заполнена — выгрузите журнал и освободите место',
      storage: 'хранилище браузера недоступно',
      cleared: (n) => `Удалено отложенного: ${n}.`,
      unavailable: 'Журнал недоступен: ',
    },
    en: {
      title: 'Pre-call check',
      log_title: 'Call log',
      log_about: 'The log is kept in this browser only. Export writes a file on this computer; import merges entries without duplicates.',
      export_json: 'Export JSON',
      export_csv: 'Export CSV',
      import_label: 'Import a log (JSON or CSV):',
      clear_unreadable: 'Delete set-aside data',
      status: (s) => `Patients: ${s.patients}, entries: ${s.entries}. Using ${kb(s.bytes)} of ${kb(s.quota)}.`,
      unreadable: (n) => `Could not be read: ${n}. This data is set aside, not deleted; the JSON export has it (under "unreadable"). Export the log before deleting it.`,
      confirm_clear: 'Delete the set-aside unreadable data? Export the log as JSON first, or it is gone.',
      exported: (n, u) => `Exported entries: ${n}${u ? `, set aside: ${u}` : ''}.`,
      imported: (r) => `Imported: ${r.added} new, ${r.updated} updated, ${r.duplicates} already there.`,
      rejected: (r) => ` Not read: ${r.length} (${r.slice(0, 3).join('; ')}${r.length > 3 ? '; …' : ''}).`,
      skipped: (n) => ` Set-aside data in the file (${n}) was not imported: it stays in the file.`,
      failed: 'Failed: ',
      quota: "the extension's storage is full: export the log and free some space",
      storage: "the browser's storage is not available",
      cleared: (n) => `Deleted set-aside data: ${n}.`,
      unavailable: 'The log is not available: ',
    },
  };
  let w = WORDS.ru;
  const $ = (id) => document.getElementById(id);
  function kb(bytes) { return `${Math.round((bytes || 0) / 1024)} KB`; }

  const ask = (message) => chrome.runtime.sendMessage(message);

  function failure(reply) {
    const why = reply.failed === 'quota' ? w.quota : reply.failed === 'storage' ? w.storage : reply.message || reply.failed;
    return w.failed + why;
  }

  function say(target, text, ok) {
    target.textContent = text;
    target.className = ok ? 'ok' : 'error';
  }

  async function refresh() {
    try {
      const s = await ask({ type: 'precall:log-status' });
      if (!s || s.failed) throw new Error((s && s.failed) || 'no reply');
      $('log-status').textContent = w.status(s);
      $('unreadable').hidden = !s.unreadable;
      $('unreadable-text').textContent = s.unreadable ? w.unreadable(s.unreadable) : '';
    } catch (err) {
      say($('log-status'), w.unavailable + String(err && err.message), false);
    }
  }

  function stamp() {
    const d = new Date();
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}`;
  }

  async function exportAs(format) {
    const reply = await ask({ type: 'precall:log-export', format });
    if (!reply || reply.failed) return say($('import-result'), failure(reply || { failed: 'storage' }), false);
    const type = format === 'csv' ? 'text/csv;charset=utf-8' : 'application/json';
    const href = URL.createObjectURL(new Blob([reply.text], { type }));
    const a = document.createElement('a');
    a.href = href;
    a.download = `precall-call-log-${stamp()}.${format}`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 10000);
    say($('import-result'), w.exported(reply.entries, reply.unreadable), true);
  }

  async function importFile(file) {
    const text = await file.text();
    const r = await ask({ type: 'precall:log-import', text });
    if (!r || r.failed) {
      say($('import-result'), failure(r || { failed: 'storage' }) + (r && r.added !== undefined ? ` ${w.imported(r)}` : ''), false);
    } else {
      let msg = w.imported(r);
      if (r.rejected && r.rejected.length) msg += w.rejected(r.rejected);
      if (r.unreadable_skipped) msg += w.skipped(r.unreadable_skipped);
      say($('import-result'), msg, !(r.rejected && r.rejected.length));
    }
    $('import-file').value = '';
    refresh();
  }

  async function start() {
    try {
      const { settings } = await chrome.storage.local.get('settings');
      if (settings && settings.config && settings.config.locale === 'en') w = WORDS.en;
    } catch { /* defaults */ }
    document.documentElement.lang = w === WORDS.en ? 'en' : 'ru';
    document.title = `${w.title} — ${w.log_title}`;
    for (const node of document.querySelectorAll('[data-w]')) {
      const text = w[node.getAttribute('data-w')];
      if (typeof text === 'string') node.textContent = text;
    }
    $('export-json').addEventListener('click', () => exportAs('json'));
    $('export-csv').addEventListener('click', () => exportAs('csv'));
    $('import-file').addEventListener('change', (e) => { if (e.target.files[0]) importFile(e.target.files[0]); });
    $('clear-unreadable').addEventListener('click', async () => {
      if (!confirm(w.confirm_clear)) return;
      const r = await ask({ type: 'precall:log-clear-unreadable' });
      if (r && !r.failed) say($('import-result'), w.cleared(r.cleared), true);
      else say($('import-result'), failure(r || { failed: 'storage' }), false);
      refresh();
    });
    chrome.storage.onChanged.addListener((changes, area) => {
      if (area === 'local' && Object.keys(changes).some((k) => k.startsWith('calllog:'))) refresh();
    });
    refresh();
  }

  start();
})();
