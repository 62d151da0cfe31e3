import { describe, expect, it } from 'vitest';
import { FilterValidationError } from '../../../src/core/errors.js';
import { parseInput } from '../../../src/core/validate.js';
import {
  GCORE_RETENTION_MS,
  gcoreQueryBuilder,
  retentionWarning,
  gcoreRequestsQuerySchema,
  type GcoreRequestsQuery,
} from '../../../src/providers/gcore/filters.js';

const START = '2026-11-20T00:00:00Z';
const hex = (c: string) => c.repeat(32);
const JA3 = 'e7d705a3286e19ea42f587b344ee6865';
const JA4 = 't13d1516h2_8daaf6152771_02713d6af862';

function parse(input: unknown) {
  return parseInput(gcoreRequestsQuerySchema, input, 'Gcore requests filters');
}

/** Parses, expects a FilterValidationError, and returns the paths it named. */
function rejectedPaths(input: unknown): string[] {
  try {
    parse(input);
  } catch (error) {
    expect(error).toBeInstanceOf(FilterValidationError);
    return (error as FilterValidationError).issues.map((issue) => issue.path);
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe('gcoreRequestsQuerySchema', () => {
  it('accepts a query using every documented parameter', () => {
    const query: GcoreRequestsQuery = {
      start: '2024-04-13T00:00:00+01:00',
      end: '2024-04-14T12:00:00Z',
      limit: 50,
      ordering: '-requestTime',
      domains: [1, 2, 3],
      exclude_domains: [4],
      ips: ['1.2.3.4', ' 2001:678:194::3c25:ddad'],
      exclude_ips: ['1.2.3.4', '2001:678:194::3c25:ddad'],
      path: '/home',
      countries: ['DE', 'MY'],
      exclude_countries: ['US'],
      status_codes: [403, '499'],
      http_methods: ['GET', 'HEAD'],
      reference_ids: [hex('a')],
      exclude_reference_ids: [hex('b')],
      request_ids: [`${hex('c')}-000123`],
      session_ids: [hex('d')],
      exclude_session_ids: [hex('e')],
      security_rule_names: ['SQL injection'],
      exclude_security_rule_names: ['XSS (reflected) [v2]'],
      decision: ['allowed', 'blocked'],
      optional_action: ['captcha', 'challenge'],
      ja3: 'E7D705A3286E19EA42F587B344EE6865',
      exclude_ja3: ['e7d705a3286e19ea42f587b344ee6865', 'A'.repeat(32)],
      ja4: JA4,
      exclude_ja4: ['T13D1516H2_8DAAF6152771_02713D6AF862'],
      user_agent: 'Mozilla/5.0',
      exclude_user_agent: ['python-requests', 'curl'],
      exclude_path: ['/users/*/profile'],
      exclude_status_codes: [404, '500'],
      exclude_http_methods: ['OPTIONS'],
      exclude_request_ids: [`${hex('f')}-999999`],
      exclude_decision: ['passed'],
      exclude_optional_action: ['challenge'],
      user_agent_clients: ['Chrome', 'Firefox'],
      exclude_user_agent_clients: ['OpenAI GPTBot', 'Uptimerobot'],
      user_agent_devices: ['mac', 'Nokia', 'PlayStation'],
      exclude_user_agent_devices: ['SMART TV'],
      tags: ['evasiveclient', 'injectionattack'],
      exclude_tags: ['mousedevice'],
      organizations: ['Example Org', 'Acme Corp'],
      exclude_organizations: ['Acme corp'],
    };
    const parsed = parse(query);
    expect(parsed.start).toEqual(new Date('2024-04-12T23:00:00Z'));
    expect(parsed.end).toEqual(new Date('2024-04-14T12:00:00Z'));
    expect(parsed.ips).toEqual(['1.2.3.4', '2001:678:194::3c25:ddad']);
    expect(parsed.status_codes).toEqual([403, 499]);
    expect(parsed.countries).toEqual(['DE', 'MY']);
    expect(parsed.exclude_status_codes).toEqual([404, 500]);
    // Single strings where the contract has lists become one-item lists.
    expect(parsed.path).toEqual(['/home']);
    expect(parsed.ja3).toEqual(['E7D705A3286E19EA42F587B344EE6865']);
    expect(parsed.ja4).toEqual([JA4]);
    expect(parsed.user_agent).toEqual(['Mozilla/5.0']);
    expect(parsed.exclude_user_agent).toEqual(['python-requests', 'curl']);
  });

  it('keeps null and absent for the former single-string filters', () => {
    const parsed = parse({ start: START, path: null, ja3: null, exclude_ja3: undefined, user_agent: null, exclude_user_agent: null });
    expect([parsed.path, parsed.ja3, parsed.exclude_ja3, parsed.user_agent, parsed.exclude_user_agent]).toEqual([null, null, undefined, null, null]);
  });

  it('accepts a Date, a plain date and epoch ms as instants, and end absent or null', () => {
    expect(parse({ start: new Date(0) }).start.getTime()).toBe(0);
    expect(parse({ start: '2026-11-20' }).start.toISOString()).toBe('2026-11-20T00:00:00.000Z');
    expect(parse({ start: 1_700_000_000_000, end: null }).end).toBeNull();
    expect(parse({ start: START }).end).toBeUndefined();
    expect(parse({ start: START, end: START }).end).toEqual(new Date(START));
  });

  it('requires start and rejects a bad instant', () => {
    expect(rejectedPaths({})).toEqual(['start']);
    expect(rejectedPaths({ start: '2026-11-20T00:00:00' })).toEqual(['start']); // no zone
    expect(rejectedPaths({ start: START, end: 'yesterday' })).toEqual(['end']);
  });

  it('rejects an end before start, naming end', () => {
    expect(rejectedPaths({ start: START, end: '2026-11-19T23:59:59.999Z' })).toEqual(['end']);
  });

  it('warns, without refusing, about a start older than the 30 days Gcore keeps', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    expect(retentionWarning(parse({ start: now - GCORE_RETENTION_MS }), now)).toBeUndefined();
    const warning = retentionWarning(parse({ start: now - GCORE_RETENTION_MS - 1 }), now);
    expect(warning).toContain('older than 30 days');
    expect(warning).toContain('2026-11-01T12:00:00.000Z');
  });

  it('rejects an unknown key by name', () => {
    const error = (() => {
      try {
        parse({ start: START, country: ['DE'] });
      } catch (e) {
        return e as FilterValidationError;
      }
      throw new Error('accepted');
    })();
    expect(error).toBeInstanceOf(FilterValidationError);
    expect(error.message).toContain('country');
  });

  const cases: [string, unknown, string][] = [
    ['limit', 0, 'limit'],
    ['limit', 101, 'limit'],
    ['limit', 1.5, 'limit'],
    ['ordering', 'request time', 'ordering'],
    ['ordering', '--request_time', 'ordering'],
    ['domains', [0], 'domains[0]'],
    ['domains', [1, -2], 'domains[1]'],
    ['exclude_domains', [1.5], 'exclude_domains[0]'],
    ['ips', ['1.2.3.4', '1.2.3.256'], 'ips[1]'],
    ['ips', ['example.com'], 'ips[0]'],
    ['exclude_ips', ['2001:zz::1'], 'exclude_ips[0]'],
    ['path', 42, 'path'],
    ['countries', ['DEU'], 'countries[0]'],
    ['countries', ['D'], 'countries[0]'],
    ['exclude_countries', ['D-'], 'exclude_countries[0]'],
    ['status_codes', [99], 'status_codes[0]'],
    ['status_codes', [200, 600], 'status_codes[1]'],
    ['status_codes', ['40x'], 'status_codes[0]'],
    ['status_codes', [403.5], 'status_codes[0]'],
    ['http_methods', ['get'], 'http_methods[0]'],
    ['http_methods', ['CONNECT'], 'http_methods[0]'],
    ['reference_ids', [hex('A')], 'reference_ids[0]'],
    ['exclude_reference_ids', ['abc'], 'exclude_reference_ids[0]'],
    ['request_ids', [hex('a')], 'request_ids[0]'],
    ['request_ids', [`${hex('a')}-12345`], 'request_ids[0]'],
    ['session_ids', [hex('g')], 'session_ids[0]'],
    ['exclude_session_ids', [`${hex('a')}0`], 'exclude_session_ids[0]'],
    ['security_rule_names', ['x'.repeat(101)], 'security_rule_names[0]'],
    ['security_rule_names', ['quote"s'], 'security_rule_names[0]'],
    ['exclude_security_rule_names', ['back\\slash'], 'exclude_security_rule_names[0]'],
    ['decision', ['denied'], 'decision[0]'],
    ['optional_action', ['block'], 'optional_action[0]'],
    // A single string is a one-item list now, so its error names the item (was `ja3`, `user_agent`, …).
    ['ja3', 'e7d705a3286e19ea42f587b344ee686', 'ja3[0]'],
    ['ja3', 'g7d705a3286e19ea42f587b344ee6865', 'ja3[0]'],
    ['exclude_ja3', 'e7d705a3286e19ea42f587b344ee68650', 'exclude_ja3[0]'],
    ['ja3', Array(11).fill(JA3), 'ja3'],
    ['exclude_ja3', [JA3, 'x'], 'exclude_ja3[1]'],
    ['ja4', 't13d1516h2_8daaf6152771_02713d6af86', 'ja4[0]'],
    ['ja4', ['t13d1516h2-8daaf6152771-02713d6af862'], 'ja4[0]'],
    ['ja4', ['t13d1516h_28daaf6152771_02713d6af862'], 'ja4[0]'],
    ['ja4', [`t13d1516h2_8daaf6152771_02713d6af86g`], 'ja4[0]'],
    ['ja4', Array(11).fill(JA4), 'ja4'],
    ['exclude_ja4', 'x', 'exclude_ja4[0]'],
    ['exclude_ja4', Array(11).fill(JA4), 'exclude_ja4'],
    ['user_agent', 'u'.repeat(301), 'user_agent[0]'],
    ['user_agent', Array(11).fill('u'), 'user_agent'],
    ['exclude_user_agent', 'u'.repeat(301), 'exclude_user_agent[0]'],
    ['exclude_user_agent', Array(11).fill('u'), 'exclude_user_agent'],
    ['path', [42], 'path[0]'],
    ['exclude_path', 42, 'exclude_path'],
    ['ips', Array(11).fill('1.2.3.4'), 'ips'],
    ['exclude_status_codes', [600], 'exclude_status_codes[0]'],
    ['exclude_http_methods', ['CONNECT'], 'exclude_http_methods[0]'],
    ['exclude_request_ids', [hex('a')], 'exclude_request_ids[0]'],
    ['exclude_decision', ['denied'], 'exclude_decision[0]'],
    ['exclude_optional_action', ['block'], 'exclude_optional_action[0]'],
    ['exclude_decision', 'blocked', 'exclude_decision'],
    ['user_agent_clients', Array(11).fill('Chrome'), 'user_agent_clients'],
    ['user_agent_clients', ['c'.repeat(51)], 'user_agent_clients[0]'],
    ['exclude_user_agent_clients', Array(11).fill('x'), 'exclude_user_agent_clients'],
    ['user_agent_devices', Array(11).fill('mac'), 'user_agent_devices'],
    ['exclude_user_agent_devices', ['d'.repeat(51)], 'exclude_user_agent_devices[0]'],
    ['tags', Array(6).fill('t'), 'tags'],
    ['tags', ['t'.repeat(51)], 'tags[0]'],
    ['exclude_tags', Array(6).fill('t'), 'exclude_tags'],
    ['organizations', Array(11).fill('o'), 'organizations'],
    ['organizations', ['o'.repeat(101)], 'organizations[0]'],
    ['exclude_organizations', ['o'.repeat(101)], 'exclude_organizations[0]'],
    ['decision', 'blocked', 'decision'],
  ];
  it.each(cases)('rejects %s = %j naming %s', (key, value, path) => {
    expect(rejectedPaths({ start: START, [key]: value })).toEqual([path]);
  });

  it('accepts each limit at its bounds, and lists at their maximum length', () => {
    expect(parse({ start: START, limit: 1 }).limit).toBe(1);
    expect(parse({ start: START, limit: 100 }).limit).toBe(100);
    expect(parse({ start: START, tags: Array(5).fill('t'.repeat(50)) }).tags).toHaveLength(5);
    expect(parse({ start: START, organizations: Array(10).fill('o'.repeat(100)) }).organizations).toHaveLength(10);
    expect(parse({ start: START, status_codes: [100, 599] }).status_codes).toEqual([100, 599]);
    expect(parse({ start: START, user_agent: 'u'.repeat(300) }).user_agent).toEqual(['u'.repeat(300)]);
    expect(parse({ start: START, ips: Array(10).fill('1.2.3.4') }).ips).toHaveLength(10);
    expect(parse({ start: START, ja3: Array(10).fill(JA3) }).ja3).toHaveLength(10);
    expect(parse({ start: START, exclude_ja4: Array(10).fill(JA4) }).exclude_ja4).toHaveLength(10);
    expect(parse({ start: START, exclude_user_agent: Array(10).fill('u'.repeat(300)) }).exclude_user_agent).toHaveLength(10);
    // The contract gives exclude_ips no maxItems, unlike ips.
    expect(parse({ start: START, exclude_ips: Array(11).fill('1.2.3.4') }).exclude_ips).toHaveLength(11);
  });
});

describe('query building', () => {
  const window = { startMs: Date.parse('2026-11-20T00:00:00Z'), endMs: Date.parse('2026-11-20T06:30:00.123Z') };
  const page = { offset: 200, limit: 100 };

  it('sends arrays as repeated keys without brackets, instants as ISO 8601, and the page', () => {
    const filters = parse({
      start: START,
      end: '2026-11-21T00:00:00Z',
      ips: ['1.2.3.4', ' ::1'],
      status_codes: [403, '499'],
      decision: ['blocked'],
      domains: [],
      path: null,
      ja3: 'e7d705a3286e19ea42f587b344ee6865',
      exclude_path: ['/a', '/b/*'],
      limit: 25,
    });
    const tuples = gcoreQueryBuilder(filters)(window, page);
    expect(tuples).toEqual([
      ['ips', '1.2.3.4'],
      ['ips', '::1'],
      ['exclude_path', '/a'],
      ['exclude_path', '/b/*'],
      ['status_codes', '403'],
      ['status_codes', '499'],
      ['decision', 'blocked'],
      ['ja3', 'e7d705a3286e19ea42f587b344ee6865'],
      ['ordering', '-request_time'],
      ['start', '2026-11-20T00:00:00.000Z'],
      ['end', '2026-11-20T06:30:00.123Z'],
      ['offset', '200'],
      ['limit', '100'],
    ]);
    expect(tuples.some(([key]) => key.includes('['))).toBe(false);
    const url = new URLSearchParams(tuples).toString();
    expect(url).toContain('ips=1.2.3.4&ips=%3A%3A1');
  });

  it('takes the window and page from its arguments, never from the filters', () => {
    const tuples = gcoreQueryBuilder(parse({ start: START, end: '2026-12-01T00:00:00Z', limit: 7 }))(window, page);
    const params = new URLSearchParams(tuples);
    expect(params.getAll('start')).toEqual([new Date(window.startMs).toISOString()]);
    expect(params.getAll('end')).toEqual([new Date(window.endMs).toISOString()]);
    expect(params.getAll('limit')).toEqual(['100']);
    expect(params.getAll('offset')).toEqual(['200']);
  });

  it('defaults ordering to -request_time and keeps a given one', () => {
    expect(new URLSearchParams(gcoreQueryBuilder(parse({ start: START }))(window, page)).getAll('ordering')).toEqual(['-request_time']);
    const given = gcoreQueryBuilder(parse({ start: START, ordering: 'request_time' }))(window, page);
    expect(new URLSearchParams(given).getAll('ordering')).toEqual(['request_time']);
  });

  it('a builder reused across pages yields fresh, independent tuples', () => {
    const build = gcoreQueryBuilder(parse({ start: START, countries: ['DE'] }));
    const a = build(window, { offset: 0, limit: 100 });
    const b = build({ startMs: 0, endMs: 1 }, { offset: 100, limit: 100 });
    a.push(['x', 'y']);
    expect(b).toEqual([
      ['countries', 'DE'],
      ['ordering', '-request_time'],
      ['start', '1970-01-01T00:00:00.000Z'],
      ['end', '1970-01-01T00:00:00.001Z'],
      ['offset', '100'],
      ['limit', '100'],
    ]);
  });
});
