// Service worker. The checks run in the content script's wasm; this worker only relays a
// content script's page copy to the offscreen engine page when the MIS page's CSP forbids
// WebAssembly in content scripts. Nothing is sent anywhere else.
const ENGINE = 'extension/engine.html';
let creating = null;   // the engine page being created
let closing = null;    // the engine page being closed (restarted after a trap)
let inflight = 0;      // checks under way
let restart = false;   // restart the engine page once none is under way

async function ensureEngine() {
  await closing;
  const contexts = await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] });
  // A page another request is creating is listed before it has loaded: wait for it too.
  if (!contexts.length) {
    creating ||= chrome.offscreen.createDocument({
      url: ENGINE,
      reasons: ['DOM_PARSER'],
      justification: 'Reads a copy of the MIS page with the WebAssembly core when the page forbids WebAssembly in content scripts.',
    }).finally(() => { creating = null; });
  }
  await creating;
}

function settle(reply) {
  // A trap in the core (a Rust panic) can leave its wasm unusable: the engine page is
  // restarted, so the next check gets a fresh one.
  if (reply && reply.failed === 'check') restart = true;
  inflight -= 1;
  if (restart && !inflight) {
    restart = false;
    closing = chrome.offscreen.closeDocument().catch(() => {}).finally(() => { closing = null; });
  }
  return reply;
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  // Only our own content scripts (a tab, this extension) may ask; the page cannot reach here.
  if (!message || message.type !== 'precall:check-html' || sender.id !== chrome.runtime.id || !sender.tab) return;
  inflight += 1;
  ensureEngine()
    .then(() => chrome.runtime.sendMessage({
      type: 'precall:engine-check', html: message.html, url: message.url, input: message.input,
    }))
    .then((reply) => reply, (err) => ({ failed: String(err && err.name) }))
    .then((reply) => sendResponse(settle(reply)));
  return true;
});
