import { parseResponse } from '../../../src/core/validate.js';
import type { z } from 'zod';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventCoreSchema } from '../../../src/providers/registry.js';
import { normalizeGcore, type GcoreEvent } from '../../../src/providers/gcore/normalize.js';
import { gcoreRecordSchema, gcoreRequestsPageSchema, type GcoreRecord } from '../../../src/providers/gcore/response.js';

/** The shipped path: `parseResponse` checks with the schema and hands back the body itself (unknown fields kept). */
const accept = <S extends z.ZodType>(schema: S, body: unknown): z.output<S> => parseResponse(schema, body, 'gcore', '/test');

const fixture: unknown = JSON.parse(readFileSync(new URL('../../../fixtures/gcore/requests-page.json', import.meta.url), 'utf8'));

function normalized(record: GcoreRecord): GcoreEvent {
  const event = normalizeGcore(record);
  eventCoreSchema.parse(event);
  return event;
}

const base: GcoreRecord = {
  id: 'f3b1c2d4e5f60718293a4b5c6d7e8f90-000001',
  request_time: Date.parse('2026-11-20T10:15:30.123Z'),
  client_ip: '203.0.113.7',
};

describe('gcore response schemas', () => {
  it('parse the doc sample page', () => {
    const page = accept(gcoreRequestsPageSchema, fixture);
    expect(page.count).toBe(123);
    expect(page.results).toHaveLength(1);
  });

  it('keep unknown fields and tolerate nulls and empty strings', () => {
    const record = accept(gcoreRecordSchema, { ...base, decision: '', status_code: null, new_field: { a: 1 } });
    expect(record).toEqual({ ...base, decision: '', status_code: null, new_field: { a: 1 } });
  });

  it('accept decision values outside the documented set', () => {
    expect(accept(gcoreRecordSchema, { ...base, decision: 'quarantined' }).decision).toBe('quarantined');
  });

  it.each([
    ['id', { ...base, id: undefined }],
    ['request_time', { ...base, request_time: '2026-11-20T10:15:30Z' }],
    ['request_time', { ...base, request_time: 1.5 }],
    ['client_ip', { ...base, client_ip: null }],
    ['status_code', { ...base, status_code: '403' }],
  ])('reject a record with a bad %s', (_field, record) => {
    expect(gcoreRecordSchema.safeParse(record).success).toBe(false);
  });

  it('reject a page without count', () => {
    const { count: _count, ...rest } = fixture as Record<string, unknown>;
    expect(gcoreRequestsPageSchema.safeParse(rest).success).toBe(false);
  });
});

describe('normalizeGcore', () => {
  it('maps the doc sample field by field', () => {
    const record = accept(gcoreRequestsPageSchema, fixture).results[0]!;
    const event = normalized(record);
    expect(event).toStrictEqual({
      provider: 'gcore',
      source: 'gcore.waap',
      id: '<string>',
      time: new Date(123),
      disposition: 'challenged',
      providerAction: 'blocked',
      // country "<string>" is not alpha-2; session_id "" is empty: both absent.
      client: {
        ip: '<string>',
        organization: '<string>',
        userAgent: '<string>',
        ja3: 'e7d705a3286e19ea42f587b344ee6865',
      },
      request: { method: '<STRING>', path: '<string>', host: '<string>', scheme: 'https', httpVersion: '1.1' },
      response: { status: 123 },
      rules: [{ id: '<string>', name: '<string>', tags: ['<string>'] }],
      raw: record,
    });
    expect(event.raw).toBe(record);
  });

  it('maps a realistic record', () => {
    const record: GcoreRecord = {
      ...base,
      path: '/login',
      method: 'post',
      rule_name: 'SQL injection',
      rule_id: 'S1000',
      country: 'de',
      domain: 'shop.example.com',
      domain_id: 42,
      user_agent: 'Mozilla/5.0',
      organization: 'Example Org',
      status_code: 403,
      traffic_types: ' injectionattack, ,evasiveclient ,',
      decision: 'blocked',
      optional_action: '',
      session_id: 'a'.repeat(32),
      scheme: 'https',
      http_version: '2',
      ja3: '',
    };
    const event = normalized(record);
    expect(event.time.toISOString()).toBe('2026-11-20T10:15:30.123Z');
    expect(event.disposition).toBe('blocked');
    expect(event.client).toStrictEqual({
      ip: '203.0.113.7',
      country: 'DE',
      organization: 'Example Org',
      userAgent: 'Mozilla/5.0',
      sessionId: 'a'.repeat(32),
    });
    expect(event.request).toStrictEqual({ method: 'POST', path: '/login', host: 'shop.example.com', scheme: 'https', httpVersion: '2' });
    expect(event.response).toStrictEqual({ status: 403 });
    expect(event.rules).toStrictEqual([{ id: 'S1000', name: 'SQL injection', tags: ['injectionattack', 'evasiveclient'] }]);
  });

  it.each([
    ['blocked', undefined, 'blocked'],
    ['blocked', '', 'blocked'],
    ['blocked', 'captcha', 'challenged'],
    ['blocked', 'challenge', 'challenged'],
    ['monitored', undefined, 'logged'],
    ['monitored', 'captcha', 'logged'],
    ['allowed', undefined, 'allowed'],
    ['passed', undefined, 'allowed'],
    ['', undefined, 'unknown'],
    [null, undefined, 'unknown'],
    ['quarantined', undefined, 'unknown'],
  ] as const)('decision %j with optional_action %j → %s', (decision, optionalAction, disposition) => {
    const event = normalized({ ...base, decision, optional_action: optionalAction });
    expect(event.disposition).toBe(disposition);
    expect(event.providerAction).toBe(decision || 'unknown');
  });

  it('turns empty strings and nulls into absent fields, never values', () => {
    const empty: GcoreRecord = {
      ...base,
      path: '',
      method: '',
      rule_name: '',
      rule_id: '',
      country: '',
      domain: null,
      user_agent: '',
      organization: '',
      status_code: null,
      traffic_types: 'sqli',
      decision: '',
      optional_action: '',
      session_id: '',
      scheme: '',
      http_version: null,
      ja3: '',
    };
    const event = normalized(empty);
    expect(event.client).toStrictEqual({ ip: '203.0.113.7' });
    expect(event.request).toStrictEqual({});
    expect(event.response).toStrictEqual({});
    expect(event.rules).toStrictEqual([]);
    expect(event.providerAction).toBe('unknown');
  });

  it('maps ja4 to client.ja4, and leaves it absent when empty, null or missing', () => {
    const ja4 = 't13d1516h2_8daaf6152771_02713d6af862';
    expect(normalized({ ...base, ja3: 'e7d705a3286e19ea42f587b344ee6865', ja4 }).client).toStrictEqual({
      ip: '203.0.113.7',
      ja3: 'e7d705a3286e19ea42f587b344ee6865',
      ja4,
    });
    expect(accept(gcoreRecordSchema, { ...base, ja4 }).ja4).toBe(ja4);
    for (const value of ['', null, undefined]) expect(normalized({ ...base, ja4: value }).client).toStrictEqual({ ip: '203.0.113.7' });
    expect(gcoreRecordSchema.safeParse({ ...base, ja4: 42 }).success).toBe(false);
  });

  it("treats the contract's \"\" defaults of session_id, scheme, http_version and ja3 as absent", () => {
    // What a record with those four fields at their OpenAPI `default` looks like.
    const defaults = accept(gcoreRecordSchema, { ...base, session_id: '', scheme: '', http_version: '', ja3: '' });
    const event = normalized(defaults);
    expect(event.client).toStrictEqual({ ip: '203.0.113.7' });
    expect(event.request).toStrictEqual({});
    expect('sessionId' in event.client || 'ja3' in event.client).toBe(false);
    expect('scheme' in event.request || 'httpVersion' in event.request).toBe(false);
  });

  it('makes a rule from a name alone or an id alone, without tags when traffic_types is blank', () => {
    expect(normalized({ ...base, rule_name: 'Bad bots', traffic_types: ' , ' }).rules).toStrictEqual([{ name: 'Bad bots' }]);
    expect(normalized({ ...base, rule_id: '7' }).rules).toStrictEqual([{ id: '7' }]);
  });

  it('gives every event its own tags array, even for the same traffic_types', () => {
    const one = normalizeGcore({ ...base, rule_id: 'S1', traffic_types: 'a, b' });
    const two = normalizeGcore({ ...base, rule_id: 'S1', traffic_types: 'a, b' });
    expect(one.rules[0]!.tags).toEqual(['a', 'b']);
    expect(one.rules[0]!.tags).not.toBe(two.rules[0]!.tags);
    one.rules[0]!.tags!.push('mine');
    expect(two.rules[0]!.tags).toEqual(['a', 'b']);
    expect(normalizeGcore({ ...base, rule_id: 'S1', traffic_types: 'a, b' }).rules[0]!.tags).toEqual(['a', 'b']);
  });

  it('keeps a non-alpha-2 country out of client.country', () => {
    expect(normalized({ ...base, country: 'DEU' }).client.country).toBeUndefined();
    expect(normalized({ ...base, country: '1A' }).client.country).toBeUndefined();
    expect(normalized({ ...base, country: 'my' }).client.country).toBe('MY');
  });

  it('maps status 0 as a number, not as absent', () => {
    expect(normalized({ ...base, status_code: 0 }).response).toStrictEqual({ status: 0 });
  });
});
