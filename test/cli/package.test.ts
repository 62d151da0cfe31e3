import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reached, root } from '../support/dist.js';


describe('the wafstream command as shipped', () => {
  it('is the package bin, an executable ESM file with a node shebang', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { bin: Record<string, string>; dependencies: Record<string, string> };
    expect(pkg.bin).toEqual({ wafstream: './dist/cli/main.js' });
    const bin = new URL('dist/cli/main.js', root);
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(bin).mode & 0o111).not.toBe(0);
    // No runtime dependency was added for the command.
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['p-retry', 'undici', 'zod']);
  });

  it('is not loaded by the library entries: `import "wafstream"` costs what it did', () => {
    // The walk must see the command's own code from its entry, or the check below proves nothing.
    expect([...reached('cli/main.js')].some((f) => readFileSync(new URL(`dist/${f}`, root), 'utf8').includes('wafstream export <source'))).toBe(true);
    for (const entry of ['index.js', 'index.cjs']) {
      for (const f of reached(entry)) {
        expect(f.startsWith('cli/')).toBe(false);
        expect(readFileSync(new URL(`dist/${f}`, root), 'utf8')).not.toMatch(/wafstream export <source|ExactlyOnceFile|parseArgs/);
      }
    }
  });
});
