/**
 * A collector process for the crash test: follows the Gcore fake, writes `E <id>` for each event it ships and `C`
 * after each commit reached the file store. Time runs `SPEED` times faster than the wall clock, shared with the
 * parent's fake through `SIM_START`/`REAL_START`. SIGTERM stops it gracefully; the test SIGKILLs it.
 */
import { openSync, writeSync } from 'node:fs';
import { createGcoreClient, fileCheckpointStore, type FollowCheckpoint } from '../../src/index.js';

const env = process.env;
const speed = Number(env.SPEED);
const simStart = Number(env.SIM_START);
const realStart = Number(env.REAL_START);
const clock = {
  now: () => simStart + (Date.now() - realStart) * speed,
  sleep: (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms / speed);
      signal.addEventListener('abort', done, { once: true });
    }),
};

const out = openSync(env.OUT!, 'a');
writeSync(out, 'S\n');
const file = fileCheckpointStore(env.STORE!);
const store = {
  load: () => file.load(),
  async save(checkpoint: FollowCheckpoint) {
    await file.save(checkpoint);
    writeSync(out, 'C\n');
  },
};
const controller = new AbortController();
process.on('SIGTERM', () => controller.abort());
const waap = createGcoreClient({ apiKey: 'k', baseUrl: env.BASE_URL!, maxRetries: 0 });
const stream = waap.follow({}, {
  from: Number(env.FROM),
  lagMs: 120_000,
  overlapMs: 60_000,
  intervalMs: 15_000,
  store,
  commitEvery: { events: 50, ms: 20_000 },
  clock,
  signal: controller.signal,
});
for await (const event of stream) writeSync(out, `E ${event.id}\n`);
writeSync(out, 'X\n');
// No close(): a stopped follow must leave nothing keeping the process alive.
