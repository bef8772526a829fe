// The options page: the call log's export, import and set-aside data (issue 6). The work is
// the service worker's (it is the log's only writer) and the core's; this page only asks and
// shows. Its words come from _locales through i18n.js.
(() => {
  'use strict';
  const { t } = precallI18n;
  const $ = (id) => document.getElementById(id);
  function kb(bytes) { return t('options_kb', Math.round((bytes || 0) / 1024).toLocaleString(precallI18n.lang)); }

  const ask = (message) => chrome.runtime.sendMessage(message);

  function failure(reply) {
    const why = reply.failed === 'quota' ? t('options_quota') : reply.failed === 'storage' ? t('options_storage') : reply.message || reply.failed;
    return t('options_failed', why);
  }

  function say(target, text, ok) {
    target.textContent = text;
    target.className = ok ? 'ok' : 'error';
  }

  async function refresh() {
    try {
      const s = await ask({ type: 'precall:log-status' });
      if (!s || s.failed) throw new Error((s && s.failed) || 'no reply');
      $('log-status').textContent = s.quota
        ? t('options_status', s.patients, s.entries, kb(s.bytes), kb(s.quota))
        : t('options_status_unlimited', s.patients, s.entries, kb(s.bytes));
      $('unreadable').hidden = !s.unreadable;
      $('unreadable-text').textContent = s.unreadable ? t('options_unreadable', s.unreadable) : '';
    } catch (err) {
      say($('log-status'), t('options_unavailable', String(err && err.message)), false);
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
    say($('import-result'), reply.unreadable ? t('options_exported_set_aside', reply.entries, reply.unreadable) : t('options_exported', reply.entries), true);
  }

  async function importFile(file) {
    const text = await file.text();
    const imported = (r) => t('options_imported', r.added, r.updated, r.duplicates);
    const r = await ask({ type: 'precall:log-import', text });
    if (!r || r.failed) {
      say($('import-result'), failure(r || { failed: 'storage' }) + (r && r.added !== undefined ? ` ${imported(r)}` : ''), false);
    } else {
      let msg = imported(r);
      if (r.rejected && r.rejected.length) msg += t('options_rejected', r.rejected.length, r.rejected.slice(0, 3).join('; ') + (r.rejected.length > 3 ? '; …' : ''));
      if (r.unreadable_skipped) msg += t('options_skipped', r.unreadable_skipped);
      say($('import-result'), msg, !(r.rejected && r.rejected.length));
    }
    $('import-file').value = '';
    refresh();
  }

  async function start() {
    await precallI18n.load();
    precallI18n.apply(document);
    document.title = `${t('options_title')} — ${t('options_log_title')}`;
    $('export-json').addEventListener('click', () => exportAs('json'));
    $('export-csv').addEventListener('click', () => exportAs('csv'));
    $('import-file').addEventListener('change', (e) => { if (e.target.files[0]) importFile(e.target.files[0]); });
    $('clear-unreadable').addEventListener('click', async () => {
      if (!confirm(t('options_confirm_clear'))) return;
      const r = await ask({ type: 'precall:log-clear-unreadable' });
      if (r && !r.failed) say($('import-result'), t('options_cleared', r.cleared), true);
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
