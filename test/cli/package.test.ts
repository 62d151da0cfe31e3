import { readFileSync, statSync } from 'node:fs';
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
