import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/testing/index.js';
import { typecheckExamples } from '../support/readme-typecheck.js';
import { startRedis, type TestRedis } from '../support/redis.js';

// Runs the README's "Scaling out" examples through the built package against a real Redis and the simulator,
// with only the Gcore base URL and key swapped in. Files go under node_modules/.cache so bullmq and ioredis resolve.
const root = new URL('../..', import.meta.url).pathname;
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Scaling out'), readme.indexOf('## Performance'));
const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const dir = join(root, 'node_modules/.cache/wafstream-readme-bullmq');
const dist = (entry: string) => pathToFileURL(join(root, 'dist', entry)).href;

let redis: TestRedis;
let sim: RunningSimulator;
beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  redis = await startRedis();
  sim = await startSimulator({ seed: 3, records: { 'gcore.waap': 700 }, spanMs: 20 * 3_600_000 });
  process.env.REDIS_PORT = String(redis.port);
  process.env.GCORE_API_KEY = sim.credentials.gcore.apiKey;
});
afterAll(async () => {
  await sim?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('has the backfill and the follow example', () => {
  expect(blocks).toHaveLength(2);
});

it('typechecks both examples against the published declarations', () => {
  const problems = typecheckExamples(blocks, dir);
  expect(problems).toEqual([]);
});

blocks.forEach((code, i) => {
  it(`runs example ${i + 1} of Scaling out`, { timeout: 30_000 }, async () => {
    const source = code
      .replaceAll("from 'wafstream/bullmq'", `from '${dist('bullmq/index.js')}'`)
      .replaceAll("from 'wafstream'", `from '${dist('index.js')}'`)
      .replaceAll('createGcoreClient({', `createGcoreClient({ baseUrl: '${sim.url}', `);
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    const file = join(dir, `example-${i}.mjs`);
    writeFileSync(file, js);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    let logged = '';
    try {
      await import(pathToFileURL(file).href);
    } finally {
      logged = log.mock.calls.flat().join('\n');
      log.mockRestore();
    }
    if (i === 0) expect(logged).toBe('700 events backfilled in 8 shards');
    else expect(logged).toMatch(/^first poll cycle shipped \d+ events$/);
  });
});
