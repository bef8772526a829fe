// Site access (imported by the service worker). The manifest's content scripts run only on the
// built-in origins (the demo MIS, local test instances). Any other MIS origin is enabled by the
// user: the popup asks for that origin's host permission (optional_host_permissions), and the
// granted origins ARE the list of enabled sites: this file keeps the registered content scripts
// equal to them. It reacts to grants and removals from anywhere (the popup, the browser's own
// extension settings), so there is one source of truth and nothing of ours to get out of step.

const MANIFEST = chrome.runtime.getManifest();
/** The built-in origins: the manifest's own content scripts already run there. */
const BUILT_IN = new Set((MANIFEST.content_scripts || []).flatMap((c) => c.matches || []));
const ID_PREFIX = 'precall-site-';

/** A granted origin pattern the popup can ask for: http(s), one exact host, any path. */
export function isSitePattern(pattern) {
  return /^https?:\/\/[^/*]+\/\*$/.test(pattern) && !BUILT_IN.has(pattern);
}

/** The enabled sites: granted optional host permissions, sorted. */
export async function enabledSites() {
  const { origins = [] } = await chrome.permissions.getAll();
  return [...new Set(origins.filter(isSitePattern))].sort();
}

// One change of the registered scripts at a time (grants can arrive together).
let queue = Promise.resolve();
function serial(task) {
  const run = queue.then(task, task);
  queue = run.catch(() => {});
  return run;
}

/**
 * Registers the manifest's content scripts, unchanged (files, all_frames, run_at), for the
 * enabled sites, and unregisters them from sites no longer enabled. Persisted by the browser
 * across restarts; run again at install and startup in case a grant changed while it was off.
 */
export function syncScripts() {
  return serial(async () => {
    const sites = await enabledSites();
    const ours = (await chrome.scripting.getRegisteredContentScripts()).filter((s) => s.id.startsWith(ID_PREFIX));
    const scripts = MANIFEST.content_scripts || [];
    // Already as they should be (a browser start): left alone, so no page loads in a gap.
    const same = (s) => JSON.stringify([...(s.matches || [])].sort()) === JSON.stringify(sites);
    if (ours.length === (sites.length ? scripts.length : 0) && ours.every(same)) return sites;
    if (ours.length) await chrome.scripting.unregisterContentScripts({ ids: ours.map((s) => s.id) });
    if (!sites.length) return sites;
    await chrome.scripting.registerContentScripts(scripts.map((c, i) => ({
      id: `${ID_PREFIX}${i}`,
      matches: sites,
      js: c.js,
      allFrames: !!c.all_frames,
      runAt: c.run_at || 'document_idle',
      persistAcrossSessions: true,
    })));
    return sites;
  });
}

/**
 * Starts the check in tabs already open on newly enabled sites (registered scripts apply only to
 * pages loaded afterwards), in every frame that does not have it yet.
 */
async function injectOpenTabs(origins) {
  const tabs = await chrome.tabs.query({ url: origins });
  for (const tab of tabs) {
    try {
      const probe = await chrome.scripting.executeScript({
        target: { tabId: tab.id, allFrames: true },
        func: () => typeof globalThis.precallOverlay !== 'undefined',
      });
      const frameIds = probe.filter((r) => r.result === false).map((r) => r.frameId);
      if (!frameIds.length) continue;
      for (const c of MANIFEST.content_scripts || []) {
        await chrome.scripting.executeScript({ target: { tabId: tab.id, frameIds }, files: c.js });
      }
    } catch (err) {
      console.warn('precall: could not start on an open tab', err && err.name);
    }
  }
}

chrome.permissions.onAdded.addListener(async (permissions) => {
  const added = (permissions.origins || []).filter(isSitePattern);
  if (!added.length) return;
  await syncScripts();
  await injectOpenTabs(added);
});
// Removed by the popup's "turn off" or by the user in the browser's own extension settings.
chrome.permissions.onRemoved.addListener(() => { syncScripts(); });
chrome.runtime.onInstalled.addListener(() => { syncScripts(); });
chrome.runtime.onStartup.addListener(() => { syncScripts(); });
