// Service worker. Kept minimal: the checks run in the content script's wasm, and nothing
// is sent anywhere. It seeds default settings once, so every page reads the same shape.
chrome.runtime.onInstalled.addListener(async () => {
  const { settings } = await chrome.storage.local.get('settings');
  if (!settings) await chrome.storage.local.set({ settings: { config: null, clock: null } });
});
