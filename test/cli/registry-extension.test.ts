import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// A registry with the fifth provider added: the CLI and the workers must offer it with no edit of their own.
vi.mock('../../src/providers/registry.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/providers/registry.js')>();
  const { acmeWithBinding } = await import('../support/fifth/binding.js');
  return { ...real, definitions: [...real.definitions, acmeWithBinding] };
});

const { CREDENTIAL_FLAGS, SOURCES, sourceList, wire } = await import('../../src/cli/sources.js');
const { BACKFILL_SOURCES, BOUND_SOURCES, openWindow } = await import('../../src/bullmq/sources.js');
const { startAcmeServer } = await import('../support/fifth/definition.js');

let acme: Awaited<ReturnType<typeof startAcmeServer>>;
beforeAll(async () => {
  acme = await startAcmeServer(30, Date.now());
});
afterAll(() => acme.close());

describe('a provider added to the registry', () => {
  it('gets its flags, source, alias and worker source from its definition alone', () => {
    expect(Object.keys(CREDENTIAL_FLAGS).slice(-2)).toEqual(['acme-key', 'acme-base-url']);
    expect(SOURCES.at(-1)).toBe('acme.hits');
    expect(sourceList(['acme'])).toEqual(['acme.hits']);
    expect(BOUND_SOURCES.at(-1)).toBe('acme.hits');
    // Not windowed: a backfill cannot shard it.
    expect(BACKFILL_SOURCES).not.toContain('acme.hits');
  });

  it('is read by the CLI wiring with its flags, its filters translated by its binding', async () => {
    const wiring = wire(['acme.hits' as never], { 'acme-key': 'secret-acme-key', 'acme-base-url': acme.url }, [{ scope: undefined, key: 'pageSize', value: '4' }]);
    try {
      const ids: string[] = [];
      for await (const event of wiring.list('acme.hits' as never, { start: new Date(0), end: new Date() })) ids.push(event.id);
      expect(ids).toEqual(acme.hits.map((hit) => hit.hit_id));
      expect(acme.requests.at(-1)).toContain('size=4');
    } finally {
      await wiring.close();
    }
  });

  it('refuses a missing required field by its flag and variable', () => {
    expect(() => wire(['acme.hits' as never], { 'acme-base-url': acme.url }, [])).toThrow('--acme-key: is required (or set ACME_KEY)');
  });

  it('is refused by name for a tenant without its client', () => {
    expect(() => openWindow({}, 't1', 'acme.hits' as never, {}, { start: new Date(0), end: new Date() }, undefined)).toThrow(/tenant t1 has no acme client/);
  });
});
