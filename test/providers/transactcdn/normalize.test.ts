import { parseResponse } from '../../../src/core/validate.js';
import type { z } from 'zod';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventCoreSchema } from '../../../src/providers/registry.js';
import { normalizeRateLimitingEvent, normalizeWafEvent, present } from '../../../src/providers/transactcdn/normalize.js';
import { rateLimitingPageSchema, wafEventSchema, wafPageSchema } from '../../../src/providers/transactcdn/response.js';
import { methodFromName, statusFromName } from '../../../src/providers/transactcdn/status-codes.js';
import { epochSecondsToMs, parseTimestamp } from '../../../src/providers/transactcdn/time.js';

/** The shipped path: `parseResponse` checks with the schema and hands back the body itself (unknown fields kept). */
const accept = <S extends z.ZodType>(schema: S, body: unknown): z.output<S> => parseResponse(schema, body, 'transactcdn', '/test');

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../fixtures/transactcdn/${name}`, import.meta.url), 'utf8'));
const wafPage = accept(wafPageSchema, fixture('waf-eventlogs-page.json'));
const rlPage = accept(rateLimitingPageSchema, fixture('rate-limiting-eventlogs-page.json'));

const SUB_EVENT_RULE = { id: '981255', message: 'Detects MSSQL code execution and information gathering attempts', tags: ['OWASP_CRS/ANOMALY/EXCEEDED'] };

describe('TransactCDN WAF sample page', () => {
  it('parses as a page and keeps every field of each event in raw', () => {
    expect(wafPage).toMatchObject({ page: 1, page_of: 100, time_from: 1472688000, time_to: 1473638400 });
    const received = (fixture('waf-eventlogs-page.json') as { events: unknown[] }).events;
    wafPage.events.forEach((event, i) => expect(normalizeWafEvent(event).raw).toStrictEqual(received[i]));
  });

  it('normalizes the first sample event field by field (no Event ID: the id hash is the id)', () => {
    const event = normalizeWafEvent(wafPage.events[0]!);
    expect(eventCoreSchema.parse(event)).toBeTruthy();
    expect(event).toStrictEqual({
      provider: 'transactcdn',
      source: 'transactcdn.waf',
      id: 'udidK2wtEHpw4OQkoQKa3JI06QAeUKXwYqM_dgbsuvYwygOWO_uTVGQPxR5ELPpJ19wTpnflk7ynrIJzAMH2tA==',
      time: new Date('2016-09-07T00:20:40.345Z'),
      disposition: 'custom_response',
      providerAction: 'CUSTOM_RESPONSE',
      client: {
        ip: '192.12.22.25',
        country: 'US',
        userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Safari/537.36',
      },
      request: { url: 'http://www.example.com/mywebpage.html', host: 'www.example.com', path: '/mywebpage.html', scheme: 'http' },
      response: {},
      rules: [SUB_EVENT_RULE],
      raw: wafPage.events[0],
    });
  });

  it('prefers Event ID over the id hash, and reads 1473207637.5252609 as …37.525', () => {
    const event = normalizeWafEvent(wafPage.events[1]!);
    expect(eventCoreSchema.parse(event)).toBeTruthy();
    expect(event.id).toBe('54973727612018659117005509529321564774');
    expect(event.time).toEqual(new Date('2016-09-07T00:20:37.525Z'));
    expect(event.client.ip).toBe('192.144.23.52');
    expect(event.rules).toStrictEqual([SUB_EVENT_RULE]);
    expect(event.raw['Sub Events']?.[0]?.['Matched On']).toBe('ARGS:a');
  });

  it.each([
    ['BLOCK_REQUEST', 'PRODUCTION', 'blocked'],
    ['ALERT', 'PRODUCTION', 'logged'],
    ['REDIRECT_302', 'PRODUCTION', 'redirected'],
    ['CUSTOM_RESPONSE', 'PRODUCTION', 'custom_response'],
    ['BROWSER_CHALLENGE', 'PRODUCTION', 'challenged'],
    ['BLOCK_REQUEST', 'AUDIT', 'logged'],
    ['SOMETHING_NEW', 'AUDIT', 'logged'],
    ['SOMETHING_NEW', 'PRODUCTION', 'unknown'],
    ['block_request', undefined, 'unknown'],
  ])('Action Type %s under Profile Type %s → %s', (action, profile, disposition) => {
    const raw = accept(wafEventSchema, { ...wafPage.events[0], 'Action Type': action, 'Profile Type': profile });
    const event = normalizeWafEvent(raw);
    expect(event.disposition).toBe(disposition);
    expect(event.providerAction).toBe(action);
  });

  it('falls back to Timestamp (both separators) when Epoch Time is absent, and drops placeholders', () => {
    const { 'Epoch Time': _drop, ...rest } = wafPage.events[0]!;
    for (const stamp of ['2016-09-07T00:20:40.345809Z', '2016-09-07T00:20:40:345809Z']) {
      const event = normalizeWafEvent(accept(wafEventSchema, { ...rest, Timestamp: stamp, Referer: 'XXXNAXXX@fields.REFERER', 'Country Code': 'XXXNAXXX@geo.COUNTRY' }));
      expect(event.time).toEqual(new Date('2016-09-07T00:20:40.345Z'));
      expect(event.request.referer).toBeUndefined();
      expect(event.client.country).toBeUndefined();
    }
  });

  it('refuses an event with neither a time nor an id, naming the field', () => {
    const { 'Epoch Time': _e, Timestamp: _t, ...timeless } = wafPage.events[0]!;
    expect(wafEventSchema.safeParse(timeless).error?.issues[0]?.path).toEqual(['Epoch Time']);
    expect(wafEventSchema.safeParse({ ...timeless, Timestamp: '07/09/2016 00:20' }).success).toBe(false);
    const { id: _id, ...anonymous } = wafPage.events[0]!;
    expect(wafEventSchema.safeParse(anonymous).error?.issues[0]?.path).toEqual(['id']);
  });

  it('keeps an unknown field and names a rule from the top level when there are no sub events', () => {
    const { 'Sub Events': _s, ...flat } = wafPage.events[0]!;
    const raw = accept(wafEventSchema, { ...flat, 'Rule ID': 981176, 'Rule Tags': 'OWASP_CRS/WEB_ATTACK OWASP_CRS/XSS', 'New Field': 1 });
    const event = normalizeWafEvent(raw);
    expect(event.raw['New Field']).toBe(1);
    expect(event.rules).toStrictEqual([{ id: '981176', message: wafPage.events[0]!['Rule Message'], tags: ['OWASP_CRS/WEB_ATTACK', 'OWASP_CRS/XSS'] }]);
  });
});

describe('TransactCDN rate-limiting sample page', () => {
  it('normalizes all five sample events field by field', () => {
    const received = (fixture('rate-limiting-eventlogs-page.json') as { events: Array<Record<string, unknown>> }).events;
    expect(rlPage).toMatchObject({ page: 1, page_of: 1, time_from: 1472688000, time_to: 1473638400 });
    expect(rlPage.events).toHaveLength(5);
    rlPage.events.forEach((raw, i) => {
      const event = normalizeRateLimitingEvent(raw);
      expect(eventCoreSchema.parse(event)).toBeTruthy();
      const expected = received[i]!;
      expect(event).toStrictEqual({
        provider: 'transactcdn',
        source: 'transactcdn.rate_limiting',
        id: expected.id,
        time: new Date(String(expected.Timestamp).replace(/(\.\d{3})\d+Z$/, '$1Z')),
        disposition: 'dropped',
        providerAction: 'DROP_REQUEST',
        client: { ip: '192.12.16.24', country: 'US', userAgent: 'Server Load Tester' },
        request: { method: 'GET', url: 'http://cdn.example.com/000001/mywebpage.html', host: 'cdn.example.com', path: '/000001/mywebpage.html', scheme: 'http' },
        response: { status: 503 },
        rules: [],
        raw: expected,
      });
    });
  });

  it('reads the first event time exactly and keeps the placeholders in raw', () => {
    const event = normalizeRateLimitingEvent(rlPage.events[0]!);
    expect(event.time.toISOString()).toBe('2016-09-10T01:20:11.221Z');
    expect(event.raw.Referer).toBe('XXXNAXXX@fields.REFERER');
    expect(event.raw['Rate Limiting Enforcement Rule ID']).toBe('XXXNAXXX@ddos.RULE_ID');
    expect(event.raw['@fields.COMMON_HEADER']).toEqual({});
  });

  it.each([
    ['DROP_REQUEST', 'dropped'],
    ['ALERT', 'logged'],
    ['REDIRECT_302', 'redirected'],
    ['CUSTOM_RESPONSE', 'custom_response'],
    ['THROTTLE', 'unknown'],
  ])('Rate Limiting Enforcement Type %s → %s', (type, disposition) => {
    const event = normalizeRateLimitingEvent({ ...rlPage.events[0]!, 'Rate Limiting Enforcement Type': type, 'Rate Limiting Enforcement Rule ID': 'r-1' });
    expect(event.disposition).toBe(disposition);
    expect(event.providerAction).toBe(type);
    expect(event.rules).toStrictEqual([{ id: 'r-1' }]);
  });

  it('leaves status and method absent when the names are unknown, without throwing', () => {
    const event = normalizeRateLimitingEvent({ ...rlPage.events[0]!, Status: 'HTTP_STATUS_WHATEVER', 'Request Method': 'XXXNAXXX@fields.METHOD' });
    expect(event.response).toStrictEqual({});
    expect(event.request.method).toBeUndefined();
  });
});

describe('TransactCDN value tables', () => {
  it.each([
    ['HTTP_STATUS_OK', 200],
    ['HTTP_STATUS_FOUND', 302],
    ['HTTP_STATUS_MOVED_PERMANENTLY', 301],
    ['HTTP_STATUS_NOT_MODIFIED', 304],
    ['HTTP_STATUS_BAD_REQUEST', 400],
    ['HTTP_STATUS_FORBIDDEN', 403],
    ['HTTP_STATUS_NOT_FOUND', 404],
    ['HTTP_STATUS_TOO_MANY_REQUESTS', 429],
    ['HTTP_STATUS_INTERNAL_SERVER_ERROR', 500],
    ['HTTP_STATUS_BAD_GATEWAY', 502],
    ['HTTP_STATUS_SERVICE_UNAVAILABLE', 503],
    ['HTTP_STATUS_SERVICE_NOT_AVAILABLE', 503],
    ['HTTP_STATUS_GATEWAY_TIMEOUT', 504],
    ['HTTP_STATUS_503', 503],
    ['HTTP_STATUS_TEAPOTS', undefined],
    ['HTTP_STATUS_CONSTRUCTOR', undefined],
  ])('%s → %s', (name, code) => expect(statusFromName(name)).toBe(code));

  it('maps methods and rejects non-methods', () => {
    expect(methodFromName('HTTP_METHOD_GET')).toBe('GET');
    expect(methodFromName('HTTP_METHOD_PROPFIND')).toBe('PROPFIND');
    expect(methodFromName('post')).toBe('POST');
    expect(methodFromName('XXXNAXXX@fields.METHOD')).toBeUndefined();
  });

  it('treats placeholders and blanks as absent', () => {
    expect(present('XXXNAXXX@fields.REFERER')).toBeUndefined();
    expect(present('  ')).toBeUndefined();
    expect(present('https://a.example/')).toBe('https://a.example/');
  });

  it('parses times to the millisecond without float drift', () => {
    expect(epochSecondsToMs(1473207637.5252609)).toBe(Date.parse('2016-09-07T00:20:37.525Z'));
    expect(epochSecondsToMs(1473470404.8476729)).toBe(Date.parse('2016-09-10T01:20:04.847Z'));
    expect(epochSecondsToMs(1473207640.001)).toBe(Date.parse('2016-09-07T00:20:40.001Z'));
    expect(parseTimestamp('2022-06-30T20:42:09:330793Z')).toBe(Date.parse('2022-06-30T20:42:09.330Z'));
    expect(parseTimestamp('2022-06-30T20:42:09Z')).toBe(Date.parse('2022-06-30T20:42:09Z'));
    expect(parseTimestamp('2022-06-30 20:42:09')).toBeUndefined();
  });
});
