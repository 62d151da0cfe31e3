/** Issue 9: a client signal plus a per-call signal on every call must not accumulate anything. */
import { getEventListeners } from 'node:events';
import v8 from 'node:v8';
import vm from 'node:vm';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createTransactCdnClient } from '../../src/providers/transactcdn/client.js';
import { sendJson, serveRaw, transactCdnEvent, type RawServer } from '../support/gateways.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

let server: RawServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function settledHeap(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

describe('wafEvent() with a client signal and a call signal', () => {
  it('over loopback: no listener is left on either signal, and both still cancel', async () => {
    server = await serveRaw((_, res, { url }) => sendJson(res, transactCdnEvent(url.pathname.split('/').pop()!)));
    const clientSignal = new AbortController();
    const callSignal = new AbortController();
    const cdn = createTransactCdnClient({ token: 't', accountNumber: '0001', baseUrl: server.url, signal: clientSignal.signal });
    for (let i = 0; i < 2000; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => cdn.wafEvent(`ev-${i + j}`, { signal: callSignal.signal })));
    }
    expect(server.requests).toHaveLength(2000);
    // The client's signal keeps the one listener its own controller put there; the call's keeps none.
    expect(getEventListeners(clientSignal.signal, 'abort')).toHaveLength(1);
    expect(getEventListeners(callSignal.signal, 'abort')).toHaveLength(0);
    const stop = new AbortController();
    const pending = cdn.wafEvent('ev-x', { signal: stop.signal });
    stop.abort(new Error('call stopped'));
    await expect(pending).rejects.toThrow('call stopped');
    clientSignal.abort(new Error('client stopped'));
    await expect(cdn.wafEvent('ev-y', { signal: callSignal.signal })).rejects.toThrow('client stopped');
    await cdn.close();
  });

  it('150 000 calls leave the heap flat', async () => {
    // In-process dispatcher: 150 000 sockets' worth of loopback would take minutes; the leak was in the signals.
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent.get('https://api.transactcdn.com').intercept({ path: /.*/ }).reply(200, transactCdnEvent('ev-1'), { headers: { 'content-type': 'application/json' } }).persist();
    const clientSignal = new AbortController();
    const cdn = createTransactCdnClient({ token: 't', accountNumber: '0001', dispatcher: agent, signal: clientSignal.signal });
    const callSignal = new AbortController().signal;
    const run = async (calls: number) => {
      for (let i = 0; i < calls; i += 100) await Promise.all(Array.from({ length: 100 }, () => cdn.wafEvent('ev-1', { signal: callSignal })));
    };
    await run(10_000); // warm up: JIT, pools, undici's internals
    const before = await settledHeap();
    await run(150_000);
    const growth = (await settledHeap()) - before;
    // AbortSignal.any per call grew about 100 bytes a call (15 MB here); allow a tenth of that for noise.
    expect(growth).toBeLessThan(1_500_000);
    await cdn.close();
    await agent.close();
  }, 120_000);
});
