import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Runs after `npm run build` (npm test builds first): the shipped files.
const root = new URL('../..', import.meta.url);
/** Every file of dist/ that `file` reaches through relative imports or requires. */
function reached(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(new URL(`dist/${file}`, root), 'utf8');
  for (const [, spec] of text.matchAll(/(?:from\s*|import\s*\(?|require\()\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    reached(new URL(spec!, new URL(`dist/${file}`, root)).pathname.split('/dist/')[1]!, seen);
  }
  return seen;
}
const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();

describe('wafstream/bullmq as shipped', () => {
  it('is not loaded by the main entry: importing wafstream never loads bullmq or ioredis', () => {
    const cjs = `require('wafstream'); console.log(Object.keys(require.cache).some((f) => /node_modules\\/(bullmq|ioredis)\\//.test(f)))`;
    expect(node(['-e', cjs])).toBe('false');
    // ESM: no file the main entry reaches (shared chunks included) imports them.
    for (const entry of ['index.js', 'index.cjs']) {
      for (const f of reached(entry)) expect(readFileSync(new URL(`dist/${f}`, root), 'utf8')).not.toMatch(/from "(bullmq|ioredis)"|require\("(bullmq|ioredis)"\)/);
    }
    expect(readFileSync(new URL('dist/bullmq/index.js', root), 'utf8')).toMatch(/from "bullmq"/);
  });

  it('loads in both formats', () => {
    expect(node(['-e', "console.log(typeof require('wafstream/bullmq').createBackfillWorker)"])).toBe('function');
    expect(node(['--input-type=module', '-e', "const m = await import('wafstream/bullmq'); console.log(typeof m.planBackfill, typeof m.redisCheckpointStore)"])).toBe('function function');
  });
});
