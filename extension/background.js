// Service worker. The checks run in the content script's wasm; this worker only relays a
// content script's page copy to the offscreen engine page when the MIS page's CSP forbids
// WebAssembly in content scripts. Nothing is sent anywhere else.
const ENGINE = 'extension/engine.html';
let creating = null;

async function ensureEngine() {
  const contexts = await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] });
  if (contexts.length) return;
  creating ||= chrome.offscreen.createDocument({
    url: ENGINE,
    reasons: ['DOM_PARSER'],
    justification: 'Reads a copy of the MIS page with the WebAssembly core when the page forbids WebAssembly in content scripts.',
  }).finally(() => { creating = null; });
  await creating;
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  // Only our own content scripts (a tab, this extension) may ask; the page cannot reach here.
  if (!message || message.type !== 'precall:check-html' || sender.id !== chrome.runtime.id || !sender.tab) return;
  ensureEngine()
    .then(() => chrome.runtime.sendMessage({
      type: 'precall:engine-check', html: message.html, url: message.url, input: message.input,
    }))
    .then((reply) => {
      // A trap in the core (a Rust panic) can leave its wasm unusable: the next check gets a
      // fresh engine page.
      if (reply && reply.failed === 'check') chrome.offscreen.closeDocument().catch(() => {});
      sendResponse(reply);
    }, (err) => sendResponse({ failed: String(err && err.name) }));
  return true;
});
