// Small CDP helpers for the benchmark: the content script's isolated world, other targets
// (the offscreen engine page) through Target.sendMessageToTarget, CPU profiles, heap metrics.

/** The extension's isolated world on a page: evaluate(expression) there. */
export async function isolatedWorld(page, extensionName) {
  const cdp = await page.context().newCDPSession(page);
  const contexts = [];
  cdp.on('Runtime.executionContextCreated', (e) => contexts.push(e.context));
  await cdp.send('Runtime.enable');
  const deadline = Date.now() + 5000;
  let ctx;
  while (!(ctx = contexts.find((c) => c.auxData && c.auxData.type === 'isolated' && [].concat(extensionName).includes(c.name)))) {
    if (Date.now() > deadline) throw new Error(`no isolated world named ${extensionName}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    cdp,
    async evaluate(expression) {
      const r = await cdp.send('Runtime.evaluate', { contextId: ctx.id, expression, awaitPromise: true, returnByValue: true });
      if (r.exceptionDetails) throw new Error(`isolated world: ${JSON.stringify(r.exceptionDetails).slice(0, 500)}`);
      return r.result.value;
    },
    detach: () => cdp.detach(),
  };
}

/** A session with another target (found by URL) through a page's CDP session. */
export async function targetSession(page, urlPart) {
  const cdp = await page.context().newCDPSession(page);
  const { targetInfos } = await cdp.send('Target.getTargets');
  const info = targetInfos.find((t) => t.url.includes(urlPart));
  if (!info) {
    await cdp.detach();
    return null;
  }
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: info.targetId, flatten: false });
  let next = 1;
  const waiting = new Map();
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    if (e.sessionId !== sessionId) return;
    const msg = JSON.parse(e.message);
    const w = waiting.get(msg.id);
    if (!w) return;
    waiting.delete(msg.id);
    if (msg.error) w.reject(new Error(`${msg.error.message}`));
    else w.resolve(msg.result);
  });
  return {
    send(method, params = {}) {
      const id = next++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
      });
    },
    async detach() {
      await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => {});
      await cdp.detach().catch(() => {});
    },
  };
}

/** `send` is a CDP session's send. Returns {name: value} of Performance.getMetrics. */
export async function metrics(send) {
  const { metrics: list } = await send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/** JS heap used after a full GC, in bytes. */
export async function heapAfterGc(send) {
  await send('HeapProfiler.collectGarbage');
  await send('HeapProfiler.collectGarbage');
  return (await metrics(send)).JSHeapUsedSize;
}

/**
 * CPU time (ms) in a profile spent under frames that `ours(callFrame)` accepts (inclusive:
 * everything a function of ours called, DOM and wasm included), and the profile's total.
 */
export function attributedMs(profile, ours) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const mine = new Map();
  const isMine = (id) => {
    if (mine.has(id)) return mine.get(id);
    const n = byId.get(id);
    const p = parent.get(id);
    const v = ours(n.callFrame) || (p !== undefined && isMine(p));
    mine.set(id, v);
    return v;
  };
  let ourUs = 0;
  let totalUs = 0;
  let idleUs = 0;
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const dt = timeDeltas[i + 1] ?? 0;
    const n = byId.get(samples[i]);
    if (n.callFrame.functionName === '(idle)') {
      idleUs += dt;
      continue;
    }
    if (n.callFrame.functionName === '(program)') continue;
    totalUs += dt;
    if (isMine(samples[i])) ourUs += dt;
  }
  return { ours: ourUs / 1000, busy: totalUs / 1000, idle: idleUs / 1000 };
}
