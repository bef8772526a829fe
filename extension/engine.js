// Offscreen engine page: runs the wasm core on a copy of an MIS page (parsed into an inert
// document by the core) for pages whose CSP forbids WebAssembly in content scripts.
// The glue (`wasm_bindgen`) and senders.js are loaded by engine.html before this script.
//
// A content script's copy comes here directly (runtime messages reach every extension page):
// relaying it through the service worker cost two more hops and a second copy of the page in
// transit. The worker relays only while this page is starting (`precall:engine-check`), and a
// copy marked `relay` is the worker's to answer.

let loads = 0;
let core = load();

/** A core instance: the classic glue's first, then a fresh copy of the module glue (`?v=N`). */
function load() {
  const n = loads++;
  if (n === 0) return wasm_bindgen({ module_or_path: 'pkg/precall_bg.wasm' }).then(() => wasm_bindgen); // eslint-disable-line no-undef
  return import(`./pkg/precall.js?v=${n}`).then(async (glue) => {
    await glue.default({ module_or_path: 'pkg/precall_bg.wasm' });
    return glue;
  });
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (!message || sender.id !== chrome.runtime.id) return;
  const direct = message.type === 'precall:check-html' && !message.relay && precallSenders.fromMisPage(sender); // eslint-disable-line no-undef
  // The worker's relay has no tab.
  const relayed = message.type === 'precall:engine-check' && !sender.tab;
  if (!direct && !relayed) return;
  core.then(
    (glue) => {
      try {
        sendResponse(JSON.parse(glue.check_html(message.html, message.url, JSON.stringify(message.input))));
      } catch (err) {
        // A trap in the core (a Rust panic) can leave its wasm unusable: the next check gets
        // a fresh instance. No patient data in the reply.
        core = load();
        sendResponse({ failed: 'check' });
      }
    },
    () => sendResponse({ failed: 'load' }),
  );
  return true;
});
