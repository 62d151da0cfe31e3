import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeArrivals, serveArrivals, type ArrivalFake } from '../../support/arrival-fake.js';

const MIN = 60_000;
const SPEED = 200;
let bundle: string;
let fake: ArrivalFake | undefined;

beforeAll(async () => {
  // The collector runs as a real child process: bundle it (and the SDK source) once, next to node_modules.
  bundle = join(process.cwd(), 'node_modules', '.cache', 'wafstream-test', 'follow-collector.mjs');
  await build({ entryPoints: ['test/support/follow-collector.ts'], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: bundle, packages: 'external', logLevel: 'silent' });
});
afterAll(async () => fake?.close());

function seeded(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('follow across crashes (a child collector killed with SIGKILL 5 times)', () => {
  it('delivers every event at least once, duplicates only from the uncommitted tail at each kill', async () => {
    const realStart = Date.now();
    // Simulated time stays behind the wall clock (the list methods pin open windows to it).
    const simStart = Math.floor((realStart - 3 * 3_600_000) / MIN) * MIN;
    const now = () => simStart + (Date.now() - realStart) * SPEED;
    const arrivals = makeArrivals({ startMs: simStart, endMs: simStart + 30 * MIN, everyMs: 500, lagMs: 2 * MIN, overlapMs: MIN, seed: 11 });
    fake = await serveArrivals({ arrivals, now });
    const dir = await mkdtemp(join(tmpdir(), 'wafstream-follow-'));
    const out = join(dir, 'out.log');
    const env = { ...process.env, SPEED: String(SPEED), SIM_START: String(simStart), REAL_START: String(realStart), OUT: out, STORE: join(dir, 'pos.json'), BASE_URL: fake.url, FROM: String(simStart) };
    const start = () => spawn(process.execPath, [bundle], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    // Five kills at random points of the 30 simulated minutes.
    const random = seeded(42);
    const killsAt = Array.from({ length: 5 }, () => (1 + random() * 28) * MIN).sort((a, b) => a - b);
    // A child killed before it even started proves nothing (and a loaded CI machine starts them slowly): each kill
    // waits until the running child has written its start line.
    const started = async (runs: number) => {
      for (;;) {
        const text = await readFile(out, 'utf8').catch(() => '');
        if (text.split('\n').filter((l) => l === 'S').length >= runs) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    let child = start();
    let runs = 1;
    for (const at of killsAt) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, simStart + at - now()) / SPEED));
      await started(runs);
      const gone = exited(child);
      child.kill('SIGKILL');
      expect(await gone).toBe(null);
      child = start();
      runs++;
    }
    await started(runs);
    // Past the last arrival's lag and overlap, stop it gracefully: it must exit by itself, promptly.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, simStart + 34 * MIN - now()) / SPEED));
    const stopped = exited(child);
    const stopAt = Date.now();
    child.kill('SIGTERM');
    expect(await stopped).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(5000);

    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines.filter((l) => l === 'S')).toHaveLength(6);
    expect(lines.at(-1)).toBe('X');
    const seen = new Set<string>();
    let uncommitted: string[] = [];
    let allowed = new Set<string>();
    let thisRun = new Set<string>();
    let duplicates = 0;
    for (const line of lines) {
      if (line === 'S') {
        // Restarted: only what was delivered since the last commit may come again.
        allowed = new Set(uncommitted);
        expect(uncommitted.length).toBeLessThanOrEqual(2 * 51);
        thisRun = new Set();
      } else if (line === 'C') uncommitted = [];
      else if (line.startsWith('E ')) {
        const id = line.slice(2);
        expect(thisRun.has(id), `${id} twice in one run`).toBe(false);
        if (seen.has(id)) {
          expect(allowed.has(id), `${id} came back though it was committed`).toBe(true);
          duplicates++;
        }
        thisRun.add(id);
        seen.add(id);
        uncommitted.push(id);
      }
    }
    expect([...seen].sort()).toEqual(arrivals.map((a) => a.id).sort());
    // The kills landed mid-stream: something uncommitted was delivered again at least once.
    expect(duplicates).toBeGreaterThan(0);
  }, 60_000);
});
