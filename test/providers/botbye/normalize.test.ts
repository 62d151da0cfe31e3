import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventCoreSchema } from '../../../src/providers/registry.js';
import { formatPath, parseResponse } from '../../../src/core/validate.js';
import { normalizeBotByeRequest, parseBotByeHeaders } from '../../../src/providers/botbye/normalize.js';
import { botByePageSchema, botByeRequestSchema, type BotByePage, type BotByeRequest } from '../../../src/providers/botbye/response.js';

const fixture = JSON.parse(readFileSync(new URL('../../../fixtures/botbye/requests-page.json', import.meta.url), 'utf8')) as {
  edges: Array<{ node: BotByeRequest }>;
};
const sample = fixture.edges[0]!.node;
const record = (over: Partial<Record<keyof BotByeRequest, unknown>> & Record<string, unknown>): BotByeRequest =>
  botByeRequestSchema.parse({ ...sample, ...over });

describe('BotBye response schema', () => {
  it('accepts the doc sample and keeps unknown fields', () => {
    const page = parseResponse(botByePageSchema, { ...fixture, attributes: { a: 1 }, edges: [{ ...fixture.edges[0], node: { ...sample, botScore: 0.9 } }] }, 'botbye', '/requests') as BotByePage & { attributes?: unknown };
    expect((page.edges[0]!.node as BotByeRequest).botScore).toBe(0.9);
    expect(page.attributes).toEqual({ a: 1 });
  });

  it.each([
    ['a node without id', { edges: [{ node: { ...sample, id: undefined } }], pageInfo: { hasNextPage: false } }, 'edges[0].node.id'],
    ['an unreadable createdAt', { edges: [{ node: { ...sample, createdAt: 'last tuesday' } }], pageInfo: { hasNextPage: false } }, 'edges[0].node.createdAt'],
    ['a string port', { edges: [{ node: { ...sample, serverPort: '443' } }], pageInfo: { hasNextPage: false } }, 'edges[0].node.serverPort'],
    ['no pageInfo', { edges: [] }, 'pageInfo'],
  ])('refuses %s', (_name, body, path) => {
    const result = botByePageSchema.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => formatPath(i.path))).toContain(path);
  });
});

describe('normalizeBotByeRequest', () => {
  it('maps the doc sample to the normalized record, raw untouched', () => {
    const event = normalizeBotByeRequest(sample);
    expect(eventCoreSchema.parse(event)).toEqual(event);
    expect(event).toEqual({
      provider: 'botbye',
      source: 'botbye.requests',
      id: 'req_abc123xyz',
      time: new Date('2024-08-24T15:32:10Z'),
      disposition: 'blocked',
      providerAction: 'banned_by_rule',
      client: { ip: '203.0.113.42', country: 'US', asn: 'AS15169', userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)...' },
      request: { method: 'POST', host: 'api.example.com', path: '/api/v1/auth/login', referer: 'https://example.com/login' },
      response: {},
      rules: [{ id: 'rate_limit', message: 'Rate limit exceeded' }],
      raw: sample,
    });
    expect(event.raw).toBe(sample);
  });

  it.each([
    [{ isBanByRule: true, failedMessage: '' }, 'blocked', 'banned_by_rule'],
    [{ isBanByRule: false, failedMessage: 'Bot detected' }, 'blocked', 'declined'],
    [{ isBanByRule: null, failedMessage: 'Bot detected' }, 'blocked', 'declined'],
    [{ isBanByRule: false, failedMessage: '' }, 'allowed', 'passed'],
    [{ isBanByRule: false, failedMessage: '   ' }, 'allowed', 'passed'],
    [{ isBanByRule: undefined, failedMessage: null }, 'allowed', 'passed'],
  ])('%j → %s (%s)', (over, disposition, action) => {
    const event = normalizeBotByeRequest(record(over));
    expect([event.disposition, event.providerAction]).toEqual([disposition, action]);
  });

  it('prefers realIp, then remoteAddr', () => {
    expect(normalizeBotByeRequest(record({ realIp: '192.0.2.7', remoteAddr: '10.0.0.1' })).client.ip).toBe('192.0.2.7');
    expect(normalizeBotByeRequest(record({ realIp: '', remoteAddr: '10.0.0.1' })).client.ip).toBe('10.0.0.1');
    expect(normalizeBotByeRequest(record({ realIp: null, remoteAddr: '10.0.0.1' })).client.ip).toBe('10.0.0.1');
  });

  it('converts alpha-3 countries and drops what is not a country', () => {
    expect(normalizeBotByeRequest(record({ country: 'DEU' })).client.country).toBe('DE');
    expect(normalizeBotByeRequest(record({ country: 'ALA' })).client.country).toBe('AX');
    for (const country of ['', null, 'XKX', 'US']) expect(normalizeBotByeRequest(record({ country })).client).not.toHaveProperty('country');
  });

  it('turns failedChecks into one rule per check', () => {
    const event = normalizeBotByeRequest(record({ failedChecks: 'rate_limit, bad_user_agent,,headless', failedMessage: 'Declined' }));
    expect(event.rules).toEqual([{ id: 'rate_limit' }, { id: 'bad_user_agent' }, { id: 'headless' }]);
    expect(normalizeBotByeRequest(record({ failedChecks: '' })).rules).toEqual([]);
    expect(normalizeBotByeRequest(record({ failedChecks: null })).rules).toEqual([]);
  });

  it('reads zone-less createdAt as UTC', () => {
    expect(normalizeBotByeRequest(record({ createdAt: '2024-08-24T15:32:10.250' })).time).toEqual(new Date('2024-08-24T15:32:10.250Z'));
    expect(normalizeBotByeRequest(record({ createdAt: '2024-08-24T17:32:10+02:00' })).time).toEqual(new Date('2024-08-24T15:32:10Z'));
  });

  it('falls back to the parsed headers for userAgent, referer and host', () => {
    const headers = JSON.stringify({ 'user-agent': 'curl/8.5', Referer: 'https://r.example/', HOST: 'h.example', Accept: ['a', 'b'] });
    const event = normalizeBotByeRequest(record({ userAgent: '', referer: null, host: undefined, headers }));
    expect(event.client.userAgent).toBe('curl/8.5');
    expect(event.request.referer).toBe('https://r.example/');
    expect(event.request.host).toBe('h.example');
    expect(parseBotByeHeaders(headers)).toEqual({ 'user-agent': 'curl/8.5', Referer: 'https://r.example/', HOST: 'h.example', Accept: 'a, b' });
  });

  it.each(['{not json', '"a string"', '[1,2]', 'null', '', '{"Host":'])('does not fail the event on malformed headers %j', (headers) => {
    const raw = record({ headers, userAgent: '', host: '' });
    const event = normalizeBotByeRequest(raw);
    expect(eventCoreSchema.parse(event)).toEqual(event);
    expect(event.client).not.toHaveProperty('userAgent');
    expect(event.raw.headers).toBe(headers);
    expect(parseBotByeHeaders(headers)).toBeUndefined();
  });
});
