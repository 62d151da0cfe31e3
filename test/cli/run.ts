import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RunningSimulator } from '../../src/testing/index.js';

/** The built command (npm test builds first). */
export const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `node dist/cli/main.js …args` with a clean credential environment plus `env`. */
export function start(args: string[], env: Record<string, string> = {}): ChildProcess & { result: Promise<Result> } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(GCORE|TRANSACTCDN|BOTBYE)_/.test(k)));
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const result = new Promise<Result>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return Object.assign(child, { result });
}

/** Runs the command to its end. */
export const run = (args: string[], env: Record<string, string> = {}) => start(args, env).result;

/** The environment that points every source at the simulator. */
export function simEnv(sim: RunningSimulator): Record<string, string> {
  const { gcore, transactcdn, botbye } = sim.credentials;
  return {
    GCORE_API_KEY: gcore.apiKey,
    GCORE_BASE_URL: gcore.baseUrl,
    TRANSACTCDN_TOKEN: transactcdn.token,
    TRANSACTCDN_ACCOUNT: transactcdn.accountNumber,
    TRANSACTCDN_BASE_URL: transactcdn.baseUrl,
    BOTBYE_API_KEY: botbye.apiKey,
    BOTBYE_ACCOUNT_ID: botbye.accountId,
    BOTBYE_PROJECT_ID: sim.botbyeProjectId,
    BOTBYE_BASE_URL: botbye.baseUrl,
  };
}

export const lines = (text: string) => text.split('\n').filter((l) => l.length > 0);
