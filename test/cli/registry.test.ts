import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKFILL_SOURCES } from '../../src/bullmq/sources.js';
import { CREDENTIAL_FLAGS, SOURCES, sourceList } from '../../src/cli/sources.js';
import type { AnyClientBinding } from '../../src/core/definition.js';
import { definitions } from '../../src/providers/registry.js';

// What the registry declares, read from the definitions themselves (not through the CLI's own registry module).
const bindings = definitions.flatMap((definition) => {
  const client: AnyClientBinding | undefined = definition.client;
  return client ? [{ name: definition.name, fields: client.fields, sources: client.sources }] : [];
});
const declaredSources = bindings.flatMap((binding) => binding.sources);

describe('the CLI and the workers are derived from the registry', () => {
  it('offers exactly the flags, sources, aliases and backfill sources the definitions declare', () => {
    expect(bindings.map((binding) => binding.name)).toEqual(definitions.map((definition) => definition.name));
    expect(Object.keys(CREDENTIAL_FLAGS)).toEqual(bindings.flatMap((binding) => binding.fields.map((field) => field.flag)));
    expect(SOURCES).toEqual(declaredSources.map((source) => source.id));
    expect(SOURCES).toEqual(definitions.flatMap((definition) => definition.sources.map((source) => source.id)));
    for (const source of declaredSources) for (const alias of source.aliases) expect(sourceList([alias])).toEqual([source.id]);
    expect(BACKFILL_SOURCES).toEqual(declaredSources.filter((source) => source.windowed).map((source) => source.id));
    // The aliases callers already use keep working.
    expect(sourceList(['gcore', 'waf', 'rate-limiting', 'botbye'])).toEqual(['gcore.waap', 'transactcdn.waf', 'transactcdn.rate_limiting', 'botbye.requests']);
  });

  it('declares every field with a flag and variable of its own provider, and the credentials as secrets', () => {
    for (const binding of bindings) {
      for (const field of binding.fields) {
        expect(field.flag.startsWith(`${binding.name}-`), field.flag).toBe(true);
        expect(field.env.startsWith(`${binding.name.toUpperCase()}_`), field.env).toBe(true);
      }
      expect(binding.fields.filter((field) => field.secret).length, binding.name).toBeGreaterThan(0);
    }
  });

  it('names no provider in src/cli or src/bullmq code (comments and help texts aside)', () => {
    const names = definitions.map((definition) => definition.name);
    const offenders: string[] = [];
    for (const dir of ['src/cli', 'src/bullmq']) {
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
        const code = readFileSync(join(dir, file), 'utf8')
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/(^|[^:])\/\/.*$/gm, '$1')
          // The help texts are documentation printed as is: they name the providers for the reader.
          .replace(/const \w*HELP\w* = `[^`]*`/g, '');
        for (const [i, line] of code.split('\n').entries()) {
          for (const name of names) if (line.toLowerCase().includes(name)) offenders.push(`${dir}/${file}:${i + 1}: ${line.trim()}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
