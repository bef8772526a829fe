// The page reader's calls that the wasm core (src/web/dom.rs) makes in one crossing instead of
// several: reading a heavy card is ~100,000 DOM calls, and each crossing between wasm and the
// DOM costs more than the call. Loaded before every glue of the core (content scripts, the
// engine page). Only reads; never throws.
globalThis.precallDom = Object.freeze({
  /**
   * The text of the first element under `scope` that matches `selector` (at most `maxUnits`
   * UTF-16 units); null when none does, or the selector is invalid; the element itself when
   * it may be a form control (its value is read apart) or its text is longer.
   */
  firstText(scope, selector, maxUnits) {
    let el;
    try {
      el = scope.querySelector(selector);
    } catch {
      return null;
    }
    if (el === null) return null;
    if (el.matches('input, select, textarea')) return el;
    const text = el.textContent;
    return text.length <= maxUnits ? text : el;
  },

  /**
   * firstText of each selector in each scope (scope after scope), as one string, so the
   * answers cross into wasm once: per answer `N` (none), `E` (ask firstText for it) or `T`
   * and the text without NUL characters (the reader drops control characters anyway),
   * the answers joined by NUL. Stops after the scope during which `deadline` (ms since the
   * epoch) passed: the reader then has fewer answers than it asked for, and reads no more.
   */
  firstTexts(scopes, selectors, maxUnits, deadline) {
    const answers = [];
    for (const scope of scopes) {
      if (Date.now() > deadline) break;
      for (const selector of selectors) {
        const found = precallDom.firstText(scope, selector, maxUnits);
        answers.push(found === null ? 'N' : typeof found === 'string' ? `T${found.replaceAll('\0', '')}` : 'E');
      }
    }
    return answers.join('\0');
  },

  /**
   * A hash of the element's text (its first `maxUnits` UTF-16 units), to tell whether a
   * section changed: two FNV-1a lanes, 53 bits, exact as a wasm f64.
   */
  textHash(node, maxUnits) {
    const text = node.textContent;
    const n = Math.min(text.length, maxUnits);
    let a = 0x811c9dc5;
    let b = 0x01000193;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x0100019d);
    }
    return (a >>> 0) * 0x200000 + (b >>> 11);
  },
});
