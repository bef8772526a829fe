// Who sent a runtime message, for the listeners that answer our content scripts (the service
// worker, imported; the engine page, loaded first). One definition, so they cannot drift apart.
globalThis.precallSenders = Object.freeze({
  /**
   * A content script in an MIS tab: not one of our pages opened in a tab, not the worker. The
   * caller checks `sender.id` (our extension) first.
   */
  fromMisPage(sender) {
    return !!sender.tab && typeof sender.url === 'string' && !sender.url.startsWith('chrome-extension:');
  },
});
