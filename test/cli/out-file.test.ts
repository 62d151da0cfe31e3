import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statePath } from '../../src/cli/out-file.js';
import { createRandom } from '../../src/testing/random.js';
import { startSimulator, type RunningSimulator } from '../../src/testing/index.js';
import { lines, run, simEnv, start } from './run.js';

let sim: RunningSimulator;
let env: Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), 'wafstream-cli-out-'));

beforeAll(async () => {
  // Enough records and latency that an export takes a second or two: room for kills in the middle.
  sim = await startSimulator({ seed: 11, records: 2500, latencyMs: 15 });
  env = simEnv(sim);
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const args = (out: string) => ['export', 'all', '--since', '25h', '--format', 'ocsf', '--out', out];

describe('export --out FILE, crash-safe and exactly once', () => {
  it('killed with SIGKILL at 5 random points and rerun, ends with the same lines as one clean run', async () => {
    const clean = join(dir, 'clean.ndjson');
    const t0 = Date.now();
    const first = await run(args(clean), env);
    const cleanMs = Date.now() - t0;
    expect(first.code, first.stderr).toBe(0);
    const expected = readFileSync(clean, 'utf8');
    expect(lines(expected)).toHaveLength(10_000);

    const out = join(dir, 'killed.ndjson');
    const random = createRandom(2026);
    let interrupted = 0;
    const sizes: number[] = [];
    for (let kill = 0; kill < 5; kill++) {
      const child = start(args(out), env);
      // Anywhere between start-up and the end of what is left to export: reading, writing, fsync or commit.
      const left = 1 - (sizes.at(-1) ?? 0) / expected.length;
      await new Promise((resolve) => setTimeout(resolve, 120 + random.next() * Math.max(100, (cleanMs - 120) * left * 0.8)));
      child.kill('SIGKILL');
      const r = await child.result;
      if (r.signal === 'SIGKILL') interrupted++;
      sizes.push(existsSync(out) ? readFileSync(out).length : 0);
    }
    const last = await run(args(out), env);
    expect(last.code, last.stderr).toBe(0);
    const got = readFileSync(out, 'utf8');
    // Line by line, so a failure shows the first line that differs.
    const a = lines(got);
    const b = lines(expected);
    for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) expect(`line ${i}: ${a[i]}`).toBe(`line ${i}: ${b[i]}`);
    expect(got).toBe(expected);
    // The kills must really have cut runs short, with partial files, or this proves nothing.
    expect(interrupted).toBeGreaterThanOrEqual(3);
    expect(sizes.some((s) => s > 0 && s < expected.length)).toBe(true);

    // Once complete, a rerun adds nothing.
    const again = await run(args(out), env);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/already complete \(10000 events\)/);
    expect(readFileSync(out, 'utf8')).toBe(expected);
  }, 40_000);

  it('truncates bytes written after the last commit, and refuses a checkpoint of another command', async () => {
    const out = join(dir, 'other.ndjson');
    const r = await run(['export', 'gcore', '--since', '25h', '--out', out], env);
    expect(r.code).toBe(0);
    const complete = readFileSync(out, 'utf8');
    // A crash after writing, before the commit: bytes past the committed length, and a checkpoint not yet done.
    appendFileSync(out, '{"half a line');
    const state = JSON.parse(readFileSync(statePath(out), 'utf8')) as { done: boolean; length: number };
    expect(state.length).toBe(Buffer.byteLength(complete));
    writeFileSync(statePath(out), JSON.stringify({ ...state, done: false }));
    const resumed = await run(['export', 'gcore', '--since', '25h', '--out', out], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(complete);

    const other = await run(['export', 'gcore', '--since', '25h', '--format', 'ecs', '--out', out], env);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/--out: .* has a checkpoint of another export/);
  });
});
