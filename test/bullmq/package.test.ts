import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reached, root } from '../support/dist.js';

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
