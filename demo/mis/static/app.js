// The single-page view of the demo MIS, as SPA-style MIS behave: clicking a patient fetches
// the card fragment and swaps it into #app-main with history.pushState (no page load);
// back/forward re-render from the URL (popstate). The card markup is the server's own
// (/patients/<id>?fragment=1), parsed with DOMParser (inert: nothing in it runs).
(() => {
  const main = document.getElementById('app-main');
  const list = document.getElementById('app-patients');
  const search = document.getElementById('patient-search');
  if (!main || !list) return;

  const BASE_TITLE = 'ДентаЛайн МИС';
  const CARD_PATH = /^\/(?:app\/)?patients\/([^/]+)\/?$/;
  let inflight = null;

  const idFromLocation = () => {
    const m = /^\/app\/patients\/([^/]+)\/?$/.exec(location.pathname);
    return m ? decodeURIComponent(m[1]) : null;
  };

  // A `?hide=` on the SPA URL carries over to every card it shows (tests use it).
  const hideParam = () => new URLSearchParams(location.search).get('hide');

  function markActive(id) {
    for (const a of list.querySelectorAll('a.app-patient')) {
      a.classList.toggle('app-patient--active', a.dataset.id === id);
      if (a.dataset.id === id) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
  }

  function message(text, className) {
    const p = document.createElement('p');
    p.className = className;
    p.textContent = text;
    return p;
  }

  async function show(id) {
    inflight?.abort();
    markActive(id);
    if (!id) {
      main.replaceChildren(message('Выберите пациента в списке слева.', 'app-placeholder'));
      document.title = `Рабочее место — ${BASE_TITLE}`;
      return;
    }
    const controller = new AbortController();
    inflight = controller;
    main.dataset.state = 'loading';
    main.setAttribute('aria-busy', 'true');
    const params = new URLSearchParams({ fragment: '1' });
    if (hideParam()) params.set('hide', hideParam());
    try {
      const res = await fetch(`/patients/${encodeURIComponent(id)}?${params}`, {
        signal: controller.signal,
        headers: { Accept: 'text/html' },
        credentials: 'same-origin',
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      if (controller.signal.aborted) return;
      main.replaceChildren(...doc.body.childNodes);
      // The same title the server gives a card page: the short name from the side list.
      const name = list.querySelector(`a.app-patient[data-id="${CSS.escape(id)}"] .app-patient__name`)?.textContent;
      document.title = `${name || `Карта № ${id}`} — карта пациента — ${BASE_TITLE}`;
      main.scrollTop = 0;
      // For the extension's benchmark (issue 9): the new card is in the DOM and this view's
      // own work for it is done (its equivalent of DOMContentLoaded). Only the latest is kept.
      performance.clearMarks('mis:card-shown');
      performance.mark('mis:card-shown');
    } catch (e) {
      if (e.name === 'AbortError') return;
      main.replaceChildren(message(`Не удалось открыть карту № ${id}: ${e.message}`, 'app-error'));
    } finally {
      if (inflight === controller) {
        inflight = null;
        main.dataset.state = 'ready';
        main.removeAttribute('aria-busy');
      }
    }
  }

  // Any same-origin link to a card (sidebar, relatives in the card) opens in place.
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!link || link.target) return;
    const url = new URL(link.href, location.href);
    const m = url.origin === location.origin ? CARD_PATH.exec(url.pathname) : null;
    if (!m) return;
    event.preventDefault();
    const id = decodeURIComponent(m[1]);
    const hide = hideParam();
    const target = `/app/patients/${encodeURIComponent(id)}${hide ? `?hide=${encodeURIComponent(hide)}` : ''}`;
    if (target !== location.pathname + location.search) history.pushState({ id }, '', target);
    show(id);
  });

  window.addEventListener('popstate', () => show(idFromLocation()));

  if (search) {
    const items = Array.from(list.querySelectorAll('li'));
    const norm = (s) => s.toLowerCase().replace(/ё/g, 'е');
    search.addEventListener('input', () => {
      const q = norm(search.value.trim());
      for (const li of items) li.hidden = q !== '' && !norm(li.textContent).includes(q);
    });
  }

  main.dataset.state = 'ready';
  history.replaceState({ id: idFromLocation() }, '', location.href);
})();
