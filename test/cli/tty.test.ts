import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/testing/index.js';
import { BIN, simEnv } from './run.js';

// util-linux `script` gives the command a pseudo-terminal; where it is missing, the fake-TTY renderer test stands.
const hasScript = spawnSync('script', ['--version']).status === 0;
let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 4, records: 400, latencyMs: 30 });
});
afterAll(() => sim.close());

describe.skipIf(!hasScript)('progress under a pseudo-terminal', () => {
  it('redraws its line on the terminal while stdout (a file) gets only data', async () => {
    const out = `/tmp/wafstream-tty-${process.pid}.ndjson`;
    // Asynchronous: the simulator answers from this process, so its event loop must keep running.
    const child = spawn('script', ['-qec', `"${process.execPath}" "${BIN}" export all --since 25h > ${out}`, '/dev/null'], { env: { ...process.env, ...simEnv(sim) } });
    let terminal = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (terminal += d));
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(0);
    expect(terminal).toMatch(/\r\x1b\[2K[\d,]+ events · [\d,]+\/s · \d+ requests · 0 retries · [\d.]+% · ETA /);
    expect(terminal).toMatch(/exported: 1,600 events · [\d,]+\/s · \d+ requests · 0 retries in /);
    const data = execFileSync('wc', ['-l', out], { encoding: 'utf8' });
    expect(data.trim().split(' ')[0]).toBe('1600');
    execFileSync('rm', ['-f', out]);
  });
});
