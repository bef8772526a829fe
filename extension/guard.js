// The dial guard's click interception (content script, isolated world, document_start).
// Registered before any page script runs, on the window in the capture phase, so the page
// cannot see or stop a click on a dial link before we do. Off until content.js turns it on
// for a page a site profile matched; only real clicks count (event.isTrusted: a page script's
// synthetic click is not the administrator's). Which links dial is decided here (it must be
// decided synchronously, on every page path); everything else is in content.js and the core.
(() => {
  'use strict';
  // Channels of the dial and messenger schemes; the contract's channel names.
  const SCHEMES = [
    [/^(tel|callto|sips?):/i, 'call'],
    [/^sms(to)?:/i, 'sms'],
    [/^https?:\/\/(wa\.me|api\.whatsapp\.com|web\.whatsapp\.com)\//i, 'whatsapp'],
    [/^whatsapp:/i, 'whatsapp'],
    [/^https?:\/\/(t\.me|telegram\.me)\//i, 'telegram'],
    [/^tg:/i, 'telegram'],
    [/^viber:/i, 'viber'],
  ];
  let handler = null;
  let buttons = [];

  function channelOf(href) {
    for (const [re, channel] of SCHEMES) if (re.test(href)) return channel;
    return null;
  }

  function decode(s) {
    try { return decodeURIComponent(s); } catch { return s; }
  }

  /** The number a dial link carries, as written (the core reads it); null for a username. */
  function numberOf(href) {
    const n = rawNumberOf(href);
    return n ? n.slice(0, 64) : null; // a page's link is untrusted: bounded
  }

  function rawNumberOf(href) {
    const scheme = /^(tel|callto|sips?|sms|smsto):(?:\/\/)?([^?;@]*)/i.exec(href);
    if (scheme) return decode(scheme[2]) || null;
    let url;
    try { url = new URL(href); } catch { return null; }
    const param = url.searchParams.get('phone') || url.searchParams.get('number');
    if (param) return decode(param);
    const first = decode(url.pathname.split('/').filter(Boolean)[0] || '');
    if (/^(wa\.me|t\.me|telegram\.me)$/i.test(url.hostname) && /^\+?\d[\d\s()-]{6,}$/.test(first)) return first;
    return null;
  }

  function readButtonNumber(el, spec) {
    const m = /^attr:(.+)$/.exec(spec.number || '');
    const text = m ? el.getAttribute(m[1]) : el.textContent;
    return text ? text.trim().slice(0, 64) : null;
  }

  /** The dial target of a click, or null. The first link on the path decides. */
  function targetOf(event) {
    for (const node of event.composedPath()) {
      if (!(node instanceof Element)) continue;
      if (node.localName === 'precall-overlay' || node.localName === 'precall-dialog') return null;
      for (const spec of buttons) {
        let hit = false;
        try { hit = node.matches(spec.css); } catch { /* a bad selector in a profile */ }
        if (hit) return { kind: 'button', element: node, channel: spec.channel || 'call', number: readButtonNumber(node, spec), href: null };
      }
      if ((node.localName === 'a' || node.localName === 'area') && node.hasAttribute('href')) {
        const href = node.href;
        const channel = channelOf(href);
        return channel ? { kind: 'link', element: node, channel, number: numberOf(href), href } : null;
      }
    }
    return null;
  }

  function onClick(event) {
    if (!handler || !event.isTrusted) return;
    if (event.type === 'click' && event.button !== 0) return;
    if (event.type === 'auxclick' && event.button !== 1) return;
    const target = targetOf(event);
    if (!target) return;
    // Before the page and before the browser: no navigation, no page handler.
    event.preventDefault();
    event.stopImmediatePropagation();
    try { handler(target); } catch (err) { console.warn('precall: dial guard failed', err && err.name); }
  }

  window.addEventListener('click', onClick, true);
  window.addEventListener('auxclick', onClick, true);

  /** Dials as the original click would have: our own navigation (links), the MIS's handler (buttons). */
  function dial(target) {
    if (target.kind === 'button') {
      // A synthetic click is not trusted, so it passes the guard and reaches the MIS's handler.
      if (target.element.isConnected) target.element.click();
      return;
    }
    if (/^https?:/i.test(target.href)) window.open(target.href, '_blank', 'noopener,noreferrer');
    else window.location.href = target.href; // tel:, sms:, ...: handed to the phone app; the page stays
  }

  globalThis.precallGuard = {
    /** Guards dial links and the profile's buttons on this page; `onDial(target)` decides. */
    enable(onDial, profileButtons) {
      handler = onDial;
      buttons = Array.isArray(profileButtons) ? profileButtons : [];
    },
    disable() {
      handler = null;
      buttons = [];
    },
    get enabled() { return !!handler; },
    dial,
    channelOf,
    numberOf,
  };
})();
