import { readFileSync } from 'node:fs';

/** The package root; the package tests run after `npm run build` (npm test builds first) and read the shipped files. */
export const root = new URL('../..', import.meta.url);

/** Every file of dist/ that `file` reaches through relative imports or requires (tsup's shared chunks included). */
export function reached(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(new URL(`dist/${file}`, root), 'utf8');
  for (const [, spec] of text.matchAll(/(?:from\s*|import\s*\(?|require\()\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    reached(new URL(spec!, new URL(`dist/${file}`, root)).pathname.split('/dist/')[1]!, seen);
  }
  return seen;
}
