import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/testing/index.js';
import { BIN, lines, simEnv } from './run.js';

/**
 * Runs every command of the README's CLI examples (the opening block's demo and the "Command line" block) in a
 * shell against the simulator, with `npx wafstream` pointed at the built bin. Long-running commands (follow,
 * simulate) get SIGINT after a moment and must exit 0.
 */
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('## Command line'), readme.indexOf('\n## ', readme.indexOf('## Command line') + 5));
const commands = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => lines(m[1]!)).filter((l) => l.startsWith('npx wafstream '));
const opening = /```sh\n(npm install[^\n]*)\n/.exec(readme)![1]!;

let sim: RunningSimulator;
const cwd = mkdtempSync(join(tmpdir(), 'wafstream-cli-readme-'));
beforeAll(async () => {
  sim = await startSimulator({ seed: 9, records: 200, arrivalEveryMs: 200 });
});
afterAll(async () => {
  await sim.close();
  rmSync(cwd, { recursive: true, force: true });
});

function sh(command: string, stopAfterMs?: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Port 8787 may be taken on the machine running the tests; any free port shows the same.
  const line = command.replace(/^npx wafstream /, `"${process.execPath}" "${BIN}" `).replace('--port 8787', '--port 0');
  const child = spawn('sh', ['-c', stopAfterMs ? `exec ${line}` : line], { cwd, env: { ...process.env, ...simEnv(sim) } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  if (stopAfterMs) setTimeout(() => child.kill('SIGINT'), stopAfterMs);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('README command-line examples', () => {
  it('opens with the fresh-clone demo and npm test', () => {
    expect(opening).toBe('npm install && npm run build && npx wafstream demo');
    expect(readme.slice(0, readme.indexOf('## '))).toContain('npm test\n');
    expect(commands.length).toBeGreaterThanOrEqual(5);
  });

  it.each(commands)('%s', async (command) => {
    const long = / (follow|simulate) /.test(command);
    const r = await sh(command, long ? 1500 : undefined);
    expect(r.code, r.stderr).toBe(0);
    const file = /(?:>>?|--out) (\S+)/.exec(command)?.[1];
    if (file) {
      expect(existsSync(join(cwd, file))).toBe(true);
      expect(statSync(join(cwd, file)).size).toBeGreaterThan(0);
      for (const l of lines(readFileSync(join(cwd, file), 'utf8'))) JSON.parse(l);
    } else expect(r.stdout.length).toBeGreaterThan(0);
  });
});
