import { describe, expectTypeOf, it } from 'vitest';
import type { BotByeRequestsQuery } from '../../../src/providers/botbye/client.js';
import type { WhereBuilder, WhereField, WhereNode, WhereValue } from '../../../src/providers/botbye/where.js';

declare const w: WhereBuilder;

describe('where builder types', () => {
  it('knows each field and the type of its value', () => {
    expectTypeOf<WhereField>().toEqualTypeOf<
      | 'id' | 'token' | 'customerId' | 'projectId' | 'siteKey' | 'serverKey' | 'referer' | 'userAgent' | 'host'
      | 'requestMethod' | 'requestUri' | 'remoteAddr' | 'serverName' | 'remoteUser' | 'serverPort' | 'requestInfo'
      | 'failedMessage' | 'failedChecks' | 'customFields' | 'headers' | 'createdAt' | 'realIp' | 'country' | 'asn'
      | 'isProtected' | 'isBanByRule'
    >();
    expectTypeOf<WhereValue<'createdAt'>>().toEqualTypeOf<Date | string>();
    expectTypeOf<WhereValue<'isBanByRule'>>().toEqualTypeOf<boolean>();
    expectTypeOf<WhereValue<'serverPort'>>().toEqualTypeOf<number>();
    expectTypeOf<WhereValue<'country'>>().toEqualTypeOf<string>();
  });

  it('accepts well-typed predicates', () => {
    expectTypeOf(w.gte('createdAt', new Date())).toEqualTypeOf<WhereNode>();
    expectTypeOf(w.gte('createdAt', '2026-11-01T00:00:00Z')).toEqualTypeOf<WhereNode>();
    expectTypeOf(w.eq('isBanByRule', true)).toEqualTypeOf<WhereNode>();
    expectTypeOf(w.in('country', ['USA', 'DEU'])).toEqualTypeOf<WhereNode>();
    expectTypeOf(w.and(w.is_null('remoteUser'), w.or(w.lt('serverPort', 1024)))).toEqualTypeOf<WhereNode>();
  });

  it('rejects a wrong field at compile time', () => {
    // @ts-expect-error: not a field of a BotBye request
    w.eq('colour', 'red');
    // @ts-expect-error: not a field of a BotBye request
    w.is_null('createdat');
    // @ts-expect-error: like only applies to string fields
    w.like('serverPort', '44%');
    // @ts-expect-error: booleans have no order
    w.gt('isBanByRule', true);
    // @ts-expect-error: a list field has no equality
    w.eq('customFields', []);
  });

  it('rejects a wrong value type at compile time', () => {
    // @ts-expect-error: isBanByRule is a boolean
    w.eq('isBanByRule', 'true');
    // @ts-expect-error: createdAt takes a Date or an ISO string, not epoch ms
    w.gte('createdAt', 1_700_000_000_000);
    // @ts-expect-error: serverPort is a number
    w.in('serverPort', ['443']);
    // @ts-expect-error: in takes a list
    w.in('country', 'USA');
    // @ts-expect-error: is_null takes no value
    w.is_null('host', null);
    // @ts-expect-error: and takes at least one condition
    w.and();
  });

  it('types the query: a builder function or a plain tree', () => {
    expectTypeOf<{ projectId: 'p'; where: (b: WhereBuilder) => WhereNode }>().toMatchTypeOf<BotByeRequestsQuery>();
    expectTypeOf<{ projectId: 'p'; where: { predicate: 'eq'; fieldPath: 'host'; value: 'a' } }>().toMatchTypeOf<BotByeRequestsQuery>();
    expectTypeOf<{ projectId: 'p'; where: { predicate: 'eq'; fieldPath: 'colour'; value: 'a' } }>().not.toMatchTypeOf<BotByeRequestsQuery>();
    expectTypeOf<{ projectId: 'p'; orderBy: { fieldPath: 'createdAt'; direction: 'UP' } }>().not.toMatchTypeOf<BotByeRequestsQuery>();
  });
});
