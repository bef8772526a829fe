// The toolbar button's popup: enable the check on the current MIS site, and the list of enabled
// sites with "turn off". Enabling asks the browser for that site's host permission; the service
// worker (site_access.js) sees the grant and registers the content scripts, so nothing here
// depends on the popup staying open (it closes when the browser shows its permission prompt).
(() => {
  'use strict';
  const t = (key, ...args) => precallI18n.t(key, ...args);
  const builtIn = new Set((chrome.runtime.getManifest().content_scripts || []).flatMap((c) => c.matches || []));
  const isSite = (p) => /^https?:\/\/[^/*]+\/\*$/.test(p) && !builtIn.has(p);
  const $ = (id) => document.getElementById(id);
  let here = null; // the current tab's site pattern (scheme://host/*), or null

  /** The site pattern of a page URL: its scheme and host (any port, any path), or null. */
  function patternOf(url) {
    try {
      const u = new URL(url);
      return /^https?:$/.test(u.protocol) ? `${u.protocol}//${u.hostname}/*` : null;
    } catch {
      return null;
    }
  }
  const hostOf = (pattern) => pattern.replace(/^(https?):\/\/([^/]+)\/\*$/, '$2 ($1)');

  async function sites() {
    const { origins = [] } = await chrome.permissions.getAll();
    return [...new Set(origins.filter(isSite))].sort();
  }

  async function render() {
    const enabled = await sites();
    const status = $('here-status');
    $('enable').hidden = true;
    $('disable').hidden = true;
    if (!here) {
      $('here-origin').textContent = '';
      status.textContent = t('rollout_not_a_site');
    } else {
      $('here-origin').textContent = hostOf(here);
      if (builtIn.has(here)) {
        status.textContent = t('rollout_built_in');
      } else if (enabled.includes(here)) {
        status.textContent = t('rollout_on_here');
        $('disable').hidden = false;
      } else {
        status.textContent = t('rollout_off_here');
        $('enable').hidden = false;
      }
    }
    const list = $('sites');
    list.replaceChildren(...enabled.map((site) => {
      const li = document.createElement('li');
      const name = document.createElement('span');
      name.className = 'host';
      name.textContent = hostOf(site);
      const off = document.createElement('button');
      off.type = 'button';
      off.textContent = t('rollout_turn_off');
      off.setAttribute('aria-label', t('rollout_turn_off_label', hostOf(site)));
      off.dataset.site = site;
      off.addEventListener('click', () => turnOff(site));
      li.append(name, off);
      return li;
    }));
    $('sites-empty').hidden = enabled.length > 0;
  }

  async function turnOff(site) {
    // The service worker unregisters the scripts on chrome.permissions.onRemoved.
    await chrome.permissions.remove({ origins: [site] }).catch(() => false);
    await render();
  }

  /** Asks the browser for the site's access; must run at once in a click (a user gesture). */
  function enable(site) {
    $('add-problem').textContent = '';
    chrome.permissions.request({ origins: [site] }).then(
      (granted) => { if (!granted) $('add-problem').textContent = t('rollout_refused'); return render(); },
      () => { $('add-problem').textContent = t('rollout_refused'); },
    );
  }

  $('enable').addEventListener('click', () => enable(here));
  // A site typed in (the popup opened away from the MIS, or as a page): same request.
  $('add').addEventListener('submit', (event) => {
    event.preventDefault();
    const site = patternOf($('add-site').value.trim());
    if (!site || builtIn.has(site)) {
      $('add-problem').textContent = t(site ? 'rollout_built_in' : 'rollout_bad_address');
      return;
    }
    enable(site);
  });
  $('disable').addEventListener('click', () => turnOff(here));

  (async () => {
    await precallI18n.load();
    precallI18n.apply(document);
    // With activeTab (granted by the click on the toolbar button) the popup may read the URL.
    const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
    here = tab && tab.url ? patternOf(tab.url) : null;
    await render();
  })();
})();
