import { launchBrowser, startDemoMis, setSettings, TEST_CLOCK } from '../tests/e2e/harness.mjs';
const mis = await startDemoMis({ csp: process.env.CSP === 'on' });
const b = await launchBrowser();
await setSettings(b.worker, { config: null, clock: TEST_CLOCK });
for (const id of ['1001', '1002', '1003', '1004', '1005', '1006', '1007']) {
  const page = await b.context.newPage();
  await page.goto(`${mis.base}/patients/${id}`);
  await page.waitForFunction(() => performance.getEntriesByName('precall:overlay-painted').length > 0, null, { timeout: 30000, polling: 20 });
  const r = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const out = [`resp ${Math.round(nav.responseEnd - nav.domContentLoadedEventStart)}`, `load ${Math.round(nav.loadEventEnd - nav.domContentLoadedEventStart)}`];
    for (const e of performance.getEntriesByType('mark')) out.push(`${e.name.replace('dbg:', '').replace('precall:overlay-', '')} ${Math.round(e.startTime - nav.domContentLoadedEventStart)}`);
    return out.join('  ');
  });
  console.log(id, r);
  await page.close();
}
await b.close(); mis.stop();
