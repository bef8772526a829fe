// Offscreen engine page: runs the wasm core on a copy of an MIS page (parsed into an inert
// document by the core) for pages whose CSP forbids WebAssembly in content scripts, and for a
// new page's first check while the page's own core is not compiled yet.
// The glue (`wasm_bindgen`) and senders.js are loaded by engine.html before this script.
//
// A content script's copies come here directly, over its port (`precall:check`): relaying
// them through the service worker cost two more hops and a second copy of the page in transit,
// and a runtime message would wake the worker for each. The worker relays only a copy no
// engine page answered (`precall:engine-check`): this page was starting, or it had gone.

let loads = 0;
let core = load();
// Copies answered over the ports, by kind (the tests read them; counts only, no page data).
const served = { ahead: 0, plain: 0 };

/** A core instance: the classic glue's first, then a fresh copy of the module glue (`?v=N`). */
function load() {
  const n = loads++;
  if (n === 0) return wasm_bindgen({ module_or_path: 'pkg/precall_bg.wasm' }).then(() => wasm_bindgen); // eslint-disable-line no-undef
  return import(`./pkg/precall.js?v=${n}`).then(async (glue) => {
    await glue.default({ module_or_path: 'pkg/precall_bg.wasm' });
    return glue;
  });
}

/** Checks one page copy; the reply is the core's answer or `{ failed }` (no patient data). */
function check(message) {
  return core.then(
    (glue) => {
      try {
        return JSON.parse(glue.check_html(message.html, message.url, JSON.stringify(message.input)));
      } catch (err) {
        // A trap in the core (a Rust panic) can leave its wasm unusable: the next check gets
        // a fresh instance.
        core = load();
        return { failed: 'check' };
      }
    },
    () => ({ failed: 'load' }),
  );
}

// Our content scripts in MIS tabs connect a port each and send their copies over it.
chrome.runtime.onConnect.addListener((port) => {
  if (port.name !== 'precall:check' || port.sender.id !== chrome.runtime.id || !precallSenders.fromMisPage(port.sender)) { // eslint-disable-line no-undef
    port.disconnect();
    return;
  }
  port.onMessage.addListener((message) => {
    if (!message || message.type !== 'precall:check-html') return;
    served[message.ahead ? 'ahead' : 'plain'] += 1;
    check(message).then((reply) => {
      try { port.postMessage({ id: message.id, reply }); } catch { /* the page is gone */ }
    });
  });
});

// The worker relays a copy sent while this page was starting, or when the port had no answer.
chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (!message || sender.id !== chrome.runtime.id || sender.tab || message.type !== 'precall:engine-check') return;
  check(message).then(sendResponse);
  return true;
});
