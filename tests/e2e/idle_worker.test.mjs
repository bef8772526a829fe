// Chrome stops an extension's service worker after 30 s without events, and an administrator
// often takes longer than that between patients. A patient's check, its call-log record and
// the profiles page's coverage need no worker: nothing on a check's path messages it, and a
// patient switch does not start it again (a start costs the extension process and the browser
// CPU, and keeps the worker in memory). A new page's port to the engine page does start it:
// Chrome starts the worker for any new connection, listener or not.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  demoPatients, launchBrowser, setSettings, startDemoMis, stopServiceWorker, TEST_CLOCK, waitForEngines, waitForOverlay,
} from './harness.mjs';

let open;
let strict;
let browser;
let patients;

before(async () => {
  patients = await demoPatients();
  open = await startDemoMis({ csp: false });
  strict = await startDemoMis({ csp: true });
  browser = await launchBrowser();
  await setSettings(browser.worker, { config: null, clock: TEST_CLOCK });
  // The browser's first MIS page asks the worker to start the engine page (for the pages
  // that follow); that is the one message a check sends it.
  const first = await browser.context.newPage();
  await first.goto(`${open.base}/patients/${patients[10].patient.id}`);
  await waitForOverlay(first, (o) => o.verdict);
  await waitForEngines(browser.worker, 1);
  await first.close();
});

after(async () => {
  await browser?.close();
  open?.stop();
  strict?.stop();
});

/** Watches our service worker's running status through CDP, starting with the current one. */
async function watchWorker() {
  const admin = await browser.context.newPage();
  const cdp = await browser.context.newCDPSession(admin);
  const ours = `chrome-extension://${browser.extensionId}/extension/background.js`;
  const seen = [];
  let reported;
  const first = new Promise((resolve) => { reported = resolve; });
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    for (const v of versions) if (v.scriptURL === ours) { seen.push(v.runningStatus); reported(); }
  });
  await cdp.send('ServiceWorker.enable');
  await first; // the current status comes after enable's reply
  return {
    seen,
    /** Whether it was started since the watch began (CDP also reports status updates that are no start). */
    started: () => seen.some((s) => s !== 'stopped'),
    close: () => admin.close(),
  };
}

test('new pages and patient switches on both core paths send the service worker no message', async () => {
  // Counted in the worker: every message our content scripts send it.
  await browser.worker.evaluate(() => {
    self.received = [];
    chrome.runtime.onMessage.addListener((m, sender) => { if (sender.tab) self.received.push(m && m.type); });
  });
  for (const [mis, p, q] of [[open, patients[6], patients[7]], [strict, patients[8], patients[9]]]) {
    const tab = await browser.context.newPage();
    await tab.goto(`${mis.base}/app/patients/${p.patient.id}`);
    await waitForOverlay(tab, (o) => o.who && o.who.includes(p.patient.family));
    await tab.waitForTimeout(1500); // the page's own core loads and takes over
    await tab.click(`a[href$="/patients/${q.patient.id}"]`);
    const shown = await waitForOverlay(tab, (o) => o.who && o.who.includes(q.patient.family));
    assert.equal(shown.overlay.verdict, q.scenario.expect.verdict);
    await tab.waitForTimeout(500);
    await tab.close();
  }
  assert.deepEqual(await browser.worker.evaluate(() => self.received), []);
});

test('patient switches on both core paths leave a stopped service worker stopped, and still report the coverage', async () => {
  const [a, b, c, d, e, f] = patients;
  // The engine path (strict CSP: copies go to the engine page over a port) and the in-page
  // path (the content script's own core), each in its SPA view.
  const engineTab = await browser.context.newPage();
  await engineTab.goto(`${strict.base}/app/patients/${a.patient.id}`);
  await waitForOverlay(engineTab, (o) => o.who && o.who.includes(a.patient.family));
  const pageTab = await browser.context.newPage();
  await pageTab.goto(`${open.base}/app/patients/${b.patient.id}`);
  await waitForOverlay(pageTab, (o) => o.who && o.who.includes(b.patient.family));
  await pageTab.waitForTimeout(1500); // the page's own core takes over from the engine page

  await stopServiceWorker(browser); // as Chrome does when it is idle
  const worker = await watchWorker();
  assert.deepEqual(worker.seen, ['stopped']);
  for (const [tab, p] of [[engineTab, c], [pageTab, d], [engineTab, e], [pageTab, f]]) {
    await tab.click(`a[href$="/patients/${p.patient.id}"]`);
    const shown = await waitForOverlay(tab, (o) => o.who && o.who.includes(p.patient.family));
    assert.equal(shown.overlay.verdict, p.scenario.expect.verdict);
  }
  await pageTab.waitForTimeout(1000); // anything sent after the overlay was drawn has arrived
  assert.ok(!worker.started(), `no patient switch started the service worker (${worker.seen})`);

  // The profiles page (it needs no worker either) shows the coverage the last switch reported.
  const profiles = await browser.context.newPage();
  await profiles.goto(`chrome-extension://${browser.extensionId}/extension/profiles.html`);
  await profiles.waitForSelector('body[data-ready=true]');
  assert.match(await profiles.textContent('[data-testid=coverage-head]'), new RegExp(`Профиль demo-mis на ${open.base.replace(/[.]/g, '\\.')}`));
  assert.equal(await profiles.getAttribute('[data-section=appointments]', 'data-found'), 'true');
  assert.ok(!worker.started(), `nor did the profiles page (${worker.seen})`);
  await profiles.close();
  await worker.close();
  await engineTab.close();
  await pageTab.close();
});
