import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Provider, SecurityEvent, Source } from '../../src/index.js';
import type { BotByeEvent, GcoreEvent, TransactCdnRateLimitingEvent, TransactCdnWafEvent } from '../../src/index.js';
import { definitions, eventCoreSchema } from '../../src/providers/registry.js';

describe('provider registry', () => {
  it('derives the provider and source unions and SecurityEvent from the definitions', () => {
    expectTypeOf<Provider>().toEqualTypeOf<'gcore' | 'transactcdn' | 'botbye'>();
    expectTypeOf<Source>().toEqualTypeOf<'gcore.waap' | 'transactcdn.waf' | 'transactcdn.rate_limiting' | 'botbye.requests'>();
    expectTypeOf<SecurityEvent>().toEqualTypeOf<GcoreEvent | TransactCdnWafEvent | TransactCdnRateLimitingEvent | BotByeEvent>();
    expect(definitions.flatMap((definition) => definition.sources.map((source) => `${source.id}:${source.paging}`))).toEqual([
      'gcore.waap:offset',
      'transactcdn.waf:page',
      'transactcdn.rate_limiting:page',
      'botbye.requests:cursor',
    ]);
  });

  it('names each source after its provider', () => {
    for (const definition of definitions) for (const source of definition.sources) expect(source.id.startsWith(`${definition.name}.`)).toBe(true);
  });

  it('rejects an event of an unregistered provider or source', () => {
    const event = { id: 'a', time: new Date(0), disposition: 'blocked', providerAction: 'x', client: { ip: '1.2.3.4' }, request: {}, response: {}, rules: [], raw: {} };
    expect(eventCoreSchema.safeParse({ ...event, provider: 'gcore', source: 'gcore.waap' }).success).toBe(true);
    expect(eventCoreSchema.safeParse({ ...event, provider: 'other', source: 'gcore.waap' }).success).toBe(false);
    expect(eventCoreSchema.safeParse({ ...event, provider: 'gcore', source: 'other.x' }).success).toBe(false);
  });
});
