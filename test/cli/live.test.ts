import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/testing/index.js';
import { lines, run, simEnv, start } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'wafstream-cli-live-'));
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ seed: 3, records: 20, arrivalEveryMs: 100 });
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('wafstream follow', () => {
  it('collects until SIGTERM, commits, exits 0, and a restart on the same --state goes on without repeats', async () => {
    const state = join(dir, 'state');
    const args = ['follow', 'gcore', 'waf', 'botbye', '--state', state, '--since', '25h', '--lag', '0s', '--interval', '200ms'];
    const ids = (text: string) => lines(text).map((l) => (JSON.parse(l) as { id: string }).id);

    const first = start(args, simEnv(sim));
    let out = '';
    first.stdout!.on('data', (d: string) => (out += d));
    // The 60 historical records, then arrivals.
    await until(() => lines(out).length >= 70);
    first.kill('SIGTERM');
    const r1 = await first.result;
    expect(r1.code, r1.stderr).toBe(0);
    expect(r1.stderr).toMatch(/^followed: \d+ events/m);
    for (const source of ['gcore.waap', 'transactcdn.waf', 'botbye.requests']) expect(existsSync(join(state, `${source}.json`))).toBe(true);
    const seen = ids(r1.stdout);
    expect(new Set(seen).size).toBe(seen.length);

    const second = start(args, simEnv(sim));
    let out2 = '';
    second.stdout!.on('data', (d: string) => (out2 += d));
    await until(() => lines(out2).length >= 5);
    second.kill('SIGINT');
    const r2 = await second.result;
    expect(r2.code, r2.stderr).toBe(0);
    const again = ids(r2.stdout);
    expect(again.filter((id) => seen.includes(id))).toEqual([]);
  }, 30_000);
});

describe('wafstream simulate', () => {
  it('serves until SIGINT and prints environment lines that an export can use as they are', async () => {
    const child = start(['simulate', '--port', '0', '--records', '10']);
    let out = '';
    child.stdout!.on('data', (d: string) => (out += d));
    await until(() => out.includes('BOTBYE_BASE_URL='));
    const env = Object.fromEntries(lines(out).map((l) => /^export (\w+)=(.*)$/.exec(l)!.slice(1, 3) as [string, string]));
    expect(Object.keys(env)).toHaveLength(9);
    const exported = await run(['export', 'all', '--since', '25h'], env);
    expect(exported.code, exported.stderr).toBe(0);
    expect(lines(exported.stdout)).toHaveLength(40);
    child.kill('SIGINT');
    const r = await child.result;
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/simulator listening on http:\/\/127\.0\.0\.1:\d+/);
  });
});
