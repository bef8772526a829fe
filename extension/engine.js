// Offscreen engine page: runs the wasm core on a copy of an MIS page (parsed into an inert
// document by the core) for pages whose CSP forbids WebAssembly in content scripts.
// The glue (`wasm_bindgen`) is loaded by engine.html just before this script.
const { check_html } = wasm_bindgen; // eslint-disable-line no-undef
const ready = wasm_bindgen({ module_or_path: 'pkg/precall_bg.wasm' }); // eslint-disable-line no-undef

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  // Only the service worker relays here (no tab): a content script's own message is not ours.
  if (!message || message.type !== 'precall:engine-check' || sender.id !== chrome.runtime.id || sender.tab) return;
  ready.then(
    () => {
      try {
        sendResponse(JSON.parse(check_html(message.html, message.url, JSON.stringify(message.input))));
      } catch (err) {
        sendResponse({ failed: 'check' }); // a trap in the core; no patient data in the reply
      }
    },
    () => sendResponse({ failed: 'load' }),
  );
  return true;
});
