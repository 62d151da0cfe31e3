import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { serveHandlers, type LoopbackServer } from './support/loopback.js';
import { typecheckExamples } from './support/readme-typecheck.js';
import { botByeFake, generateBotByeRecords } from './support/botbye-fake.js';
import { gcoreFake, makeGcoreRecords } from './support/gcore-fake.js';
import { makeRateLimitingEvents, makeWafEvents, transactCdnFake } from './support/transactcdn-fake.js';

/**
 * Runs every ```ts example of the README against local fakes, through the built package, with only the base URL
 * and the keys swapped, so the docs cannot drift from the code.
 */
const root = new URL('..', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const dist = pathToFileURL(join(root.pathname, 'dist/index.js')).href;
const examples = [...readme.matchAll(/```(ts|js)\n([\s\S]*?)```/g)].filter((m) => m[2]!.includes("from 'wafstream'"))
  // The Scaling out examples need Redis: test/bullmq/readme.test.ts runs them.
  .filter((m) => !m[2]!.includes("from 'wafstream/bullmq'"));
const blocks = examples.map((m) => m[2]!);
/** The plain-JavaScript examples run like the others but are not typechecked (`!` is absent on purpose). */
const typed = examples.filter((m) => m[1] === 'ts').map((m) => m[2]!);
const testingDist = pathToFileURL(join(root.pathname, 'dist/testing/index.js')).href;

interface Fake {
  server: LoopbackServer;
  /** The factory whose options get `baseUrl` swapped in. */
  factory: string;
  env: Record<string, string>;
}
const fakes: Fake[] = [];
const dir = mkdtempSync(join(tmpdir(), 'wafstream-readme-'));

beforeAll(async () => {
  const t0 = Date.parse('2026-11-20T00:00:00Z');
  const gcore = gcoreFake({ apiKey: 'readme-gcore-key', records: makeGcoreRecords(500, { startMs: t0, stepMs: 60_000 }) });
  fakes.push({ server: await serveHandlers(gcore.handlers), factory: 'createGcoreClient', env: { GCORE_API_KEY: 'readme-gcore-key' } });

  // TransactCDN keeps 30 days, so its events sit in the last hours, where the examples look.
  const recent = Date.now() - 7_200_000;
  const cdn = transactCdnFake({
    token: 'readme-transactcdn-token',
    accountNumber: '0001',
    waf: makeWafEvents(300, { startMs: recent, stepMs: 20_000 }),
    rateLimiting: makeRateLimitingEvents(50, { startMs: recent, stepMs: 60_000 }),
  });
  fakes.push({ server: await serveHandlers(cdn.handlers), factory: 'createTransactCdnClient', env: { TRANSACTCDN_TOKEN: 'readme-transactcdn-token' } });

  const bots = botByeFake({ apiKey: 'readme-botbye-key', accountId: 'acc_1', projectId: 'p1', records: generateBotByeRecords(250, { newest: Date.now() - 1000, projectId: 'p1' }) });
  const botServer = await serveHandlers(bots.handlers);
  fakes.push({ server: botServer, factory: 'createBotByeClient', env: { BOTBYE_API_KEY: 'readme-botbye-key', BOTBYE_BASE_URL: botServer.url } });
});

afterAll(async () => {
  await Promise.all(fakes.map((f) => f.server.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('README examples', () => {
  it('has examples to run', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  it('typechecks every example against the published declarations', () => {
    const problems = typecheckExamples(typed, dir);
    expect(problems).toEqual([]);
  });

  blocks.forEach((code, index) => {
    const title = code.split('\n').find((line) => line.includes('create'))?.trim() ?? `block ${index}`;
    it(`runs example ${index + 1}: ${title.slice(0, 70)}`, async () => {
      let source = code.replaceAll("from 'wafstream/testing'", `from '${testingDist}'`).replaceAll("from 'wafstream'", `from '${dist}'`);
      for (const fake of fakes) source = source.replaceAll(`${fake.factory}({`, `${fake.factory}({ baseUrl: '${fake.server.url}', `);
      for (const fake of fakes) Object.assign(process.env, fake.env);
      const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
      const file = join(dir, `example-${index}.mjs`);
      writeFileSync(file, js);
      const before = fakes.reduce((n, f) => n + f.server.requests.length, 0);
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      const error = vi.spyOn(console, 'error').mockImplementation(() => {});
      let logged: unknown[][] = [];
      try {
        await import(pathToFileURL(file).href);
      } finally {
        logged = [...log.mock.calls];
        log.mockRestore();
        error.mockRestore();
      }
      const made = fakes.reduce((n, f) => n + f.server.requests.length, 0) - before;
      // An example that starts its own simulator reads from it, and must say what it read.
      if (code.includes("from 'wafstream/testing'")) expect(logged.flat().join('\n')).toMatch(/[1-9]\d* blocked requests/);
      // An example that creates a client and reads must have reached a fake (the filter-error example may not).
      else if (/for await|toArray|await \w+\.\w+Event\(/.test(code)) expect(made).toBeGreaterThan(0);
    });
  });
});
