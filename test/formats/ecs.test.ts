import { isIP } from 'node:net';
import { readFileSync } from 'node:fs';
import { EcsFlat, EcsVersion } from '@elastic/ecs';
import { describe, expect, it } from 'vitest';
import type { Disposition } from '../../src/core/event.js';
import type { SecurityEvent } from '../../src/events.js';
import { toEcs } from '../../src/formats/ecs.js';
import { allEvents, docSamples, everyDisposition, withJa4 } from '../support/security-events.js';

type Field = { type: string; array?: boolean; allowed_values?: string[]; expected_event_types?: Record<string, string[]> };
// The ECS 9.4.0 field list of the sets a WAF event uses (fixtures/standards/README.md).
const FIELDS = JSON.parse(readFileSync(new URL('../../fixtures/standards/ecs-fields.json', import.meta.url), 'utf8')) as Record<string, Field>;

const isString = (value: unknown) => typeof value === 'string';
// What a JSON value must be for Elasticsearch to index it as the field's ECS type.
const TYPES: Record<string, (value: unknown) => boolean> = {
  keyword: isString,
  wildcard: isString,
  match_only_text: isString,
  long: (value) => Number.isSafeInteger(value),
  float: (value) => typeof value === 'number' && Number.isFinite(value),
  boolean: (value) => typeof value === 'boolean',
  ip: (value) => typeof value === 'string' && isIP(value) !== 0,
  date: (value) => typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value) && !Number.isNaN(Date.parse(value)),
};

/** Dotted name → value of every leaf; an array of scalars is one leaf, as Elasticsearch sees it. */
function flatten(document: object, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [key, value] of Object.entries(document)) {
    const name = prefix + key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) flatten(value, `${name}.`, out);
    else out[name] = value;
  }
  return out;
}

/** Every way a document departs from the ECS field list: unknown names, wrong types, values outside the allowed. */
function ecsErrors(document: object): string[] {
  const errors: string[] = [];
  const flat = flatten(document);
  for (const [name, value] of Object.entries(flat)) {
    const field = FIELDS[name];
    if (!field) {
      errors.push(`${name} is not an ECS field`);
      continue;
    }
    const check = TYPES[field.type];
    if (!check) errors.push(`${name}: type ${field.type} is not one this test knows`);
    if (value === undefined || value === null || value === '') errors.push(`${name} is sent empty`);
    // ECS marks the fields meant to hold lists; any other field holds one value.
    if (Array.isArray(value) !== Boolean(field.array)) errors.push(`${name} ${field.array ? 'must be' : 'must not be'} an array`);
    const values = Array.isArray(value) ? value : [value];
    if (Array.isArray(value) && value.length === 0) errors.push(`${name} is an empty array`);
    for (const item of values) {
      if (check && !check(item)) errors.push(`${name}: ${JSON.stringify(item)} is not a ${field.type}`);
      if (field.allowed_values && !field.allowed_values.includes(item as string)) errors.push(`${name}: ${JSON.stringify(item)} is not an allowed value`);
    }
  }
  // Each event.type has to be one ECS expects with at least one of the event's categories.
  const expected = FIELDS['event.category']!.expected_event_types!;
  const categories = (flat['event.category'] ?? []) as string[];
  for (const type of (flat['event.type'] ?? []) as string[]) {
    if (!categories.some((category) => expected[category]?.includes(type))) errors.push(`event.type ${type} fits none of ${categories.join(', ')}`);
  }
  for (const required of ['@timestamp', 'ecs.version', 'event.kind', 'event.category', 'event.type', 'event.outcome']) {
    if (!(required in flat)) errors.push(`${required} is missing`);
  }
  return errors;
}

const corpus = allEvents();
const byLabel = (label: string): SecurityEvent => {
  const found = corpus.find(([name]) => name === label);
  if (!found) throw new Error(`no event labelled ${label}`);
  return found[1];
};

describe('toEcs against the ECS 9.4.0 field list', () => {
  it('the field list is the one @elastic/ecs 9.4.0 ships (EcsFlat), type for type', () => {
    expect(EcsVersion).toBe('9.4.0');
    const flat = EcsFlat as unknown as Record<string, { type: string; allowed_values?: { name: string }[] }>;
    for (const [name, field] of Object.entries(FIELDS)) {
      expect(flat[name]?.type, name).toBe(field.type);
      if (field.allowed_values) expect(flat[name]!.allowed_values!.map((value) => value.name).sort(), name).toEqual([...field.allowed_values].sort());
    }
  });

  it.each(corpus)('%s: every field an ECS field of its ECS type, every value an allowed one', (_label, event) => {
    const document = toEcs(event);
    expect(ecsErrors(document)).toEqual([]);
    expect(document['@timestamp']).toBe(event.time.toISOString());
    expect(document.event.id).toBe(event.id);
    expect(document.event.dataset).toBe(event.source);
  });

  it('the checker is not vacuous: it refuses what ECS does not define or type that way', () => {
    const good = toEcs(byLabel('gcore: every field'));
    expect(ecsErrors(good)).toEqual([]);
    const bad: object[] = [
      { ...good, source: { ...good.source, ip: 'unknown' } },
      { ...good, source: { ...good.source, as: { number: '15169' } } },
      { ...good, event: { ...good.event, kind: 'detection' } },
      { ...good, event: { ...good.event, type: ['access', 'blocked'] } },
      { ...good, event: { ...good.event, category: ['web'], type: ['denied'] } },
      { ...good, event: { ...good.event, outcome: 'blocked' } },
      { ...good, rule: { ...good.rule, id: ['a', 'b'] } },
      { ...good, tags: 'sqli' },
      { ...good, tls: { client: { ja4: 't13d' } } },
      { ...good, '@timestamp': 1 },
      { ...good, url: { ...good.url, path: '' } },
    ];
    for (const document of bad) expect(ecsErrors(document)).not.toEqual([]);
  });

  it('maps a full Gcore record field by field', () => {
    expect(toEcs(byLabel('gcore: every field'))).toStrictEqual({
      '@timestamp': '2025-12-01T10:00:00.123Z',
      ecs: { version: '9.4.0' },
      event: {
        kind: 'alert',
        category: ['web', 'network'],
        type: ['access', 'denied'],
        outcome: 'failure',
        id: 'g-every field',
        dataset: 'gcore.waap',
        module: 'gcore',
        action: 'blocked',
      },
      observer: { vendor: 'Gcore', product: 'WAAP', type: 'firewall' },
      source: { address: '198.51.100.7', ip: '198.51.100.7', geo: { country_iso_code: 'NL' }, as: { organization: { name: 'Example Hosting B.V.' } } },
      user_agent: { original: 'curl/8.5.0' },
      tls: { client: { ja3: 'e7d705a3286e19ea42f587b344ee6865' } },
      url: {
        full: 'https://shop.example.com:8443/search?q=%27%20or%201%3D1&page=2',
        scheme: 'https',
        domain: 'shop.example.com',
        port: 8443,
        path: '/search',
        query: 'q=%27%20or%201%3D1&page=2',
      },
      http: { request: { method: 'GET' }, response: { status_code: 403 }, version: '2.0' },
      rule: { id: 'sqli-1', name: 'SQL injection' },
      related: { ip: ['198.51.100.7'], hosts: ['shop.example.com'] },
      tags: ['sqli', 'attack'],
    });
  });

  it('maps the TransactCDN WAF doc sample: url.original as sent, the rule and its policy as the ruleset', () => {
    const [, event] = docSamples().find(([, e]) => e.source === 'transactcdn.waf')!;
    const document = toEcs(event);
    expect(document.url).toEqual({ original: 'http://www.example.com/mywebpage.html', full: 'http://www.example.com/mywebpage.html', scheme: 'http', domain: 'www.example.com', path: '/mywebpage.html' });
    expect(document.rule).toEqual({ id: '981255', description: 'Detects MSSQL code execution and information gathering attempts', ruleset: 'Inbound blocking' });
    expect(document.event).toMatchObject({ action: 'CUSTOM_RESPONSE', kind: 'alert', type: ['access', 'denied'], outcome: 'failure', dataset: 'transactcdn.waf' });
    expect(document.observer).toEqual({ vendor: 'TransactCDN', product: 'WAF', type: 'firewall' });
    expect(document.tags).toEqual(['OWASP_CRS/ANOMALY/EXCEEDED']);
  });

  const VERDICTS: Record<Disposition, [string, string[], string]> = {
    allowed: ['alert', ['access', 'allowed'], 'success'],
    logged: ['alert', ['access', 'allowed'], 'success'],
    blocked: ['alert', ['access', 'denied'], 'failure'],
    dropped: ['alert', ['access', 'denied'], 'failure'],
    challenged: ['alert', ['access', 'denied'], 'failure'],
    redirected: ['alert', ['access', 'denied'], 'failure'],
    custom_response: ['alert', ['access', 'denied'], 'failure'],
    unknown: ['alert', ['access'], 'unknown'],
  };
  it.each(everyDisposition())('%s: kind, type and outcome from the normalized disposition', (_label, event) => {
    const { kind, type, outcome } = toEcs(event).event;
    // These samples all matched a rule, so even allowed traffic is an alert.
    expect([kind, type, outcome]).toEqual(VERDICTS[event.disposition]);
  });

  it('plain allowed traffic with no rule is an event, not an alert', () => {
    expect(toEcs(byLabel('gcore: no rules')).event).toMatchObject({ kind: 'event', type: ['access', 'allowed'], outcome: 'success' });
    expect(toEcs(byLabel('botbye: passed')).event.kind).toBe('event');
    expect(toEcs(byLabel('gcore: decision unheard of')).event).toMatchObject({ kind: 'event', type: ['access'], outcome: 'unknown', action: 'quarantined' });
  });

  it('source: IPv6 kept, a non-address only in source.address, the AS number from BotBye', () => {
    expect(toEcs(byLabel('gcore: IPv6 client')).source).toEqual({ address: '2001:db8::42', ip: '2001:db8::42', geo: { country_iso_code: 'DE' } });
    expect(toEcs(byLabel('gcore: client address that is no address')).source).toEqual({ address: 'unknown' });
    expect(toEcs(byLabel('gcore: client address that is no address')).related).toBeUndefined();
    expect(toEcs(byLabel('botbye: no address at all')).source).toBeUndefined();
    expect(toEcs(byLabel('botbye: every field')).source).toEqual({ address: '198.51.100.10', ip: '198.51.100.10', geo: { country_iso_code: 'US' }, as: { number: 15169 } });
    expect(toEcs(byLabel('transactcdn.waf: IPv6 client, IPv6 host with port')).url).toMatchObject({ domain: '2001:db8::1', port: 8443, path: '/a', query: 'b=c' });
  });

  it('a path that is only a query: no empty url.path, the query kept', () => {
    expect(toEcs(byLabel('gcore: a path that is only a query')).url).toEqual({ full: 'https://example.com?debug=1', scheme: 'https', domain: 'example.com', query: 'debug=1' });
  });

  it('many rules: the first in rule.*, every tag in tags; no rules: no rule', () => {
    const many = toEcs(byLabel('transactcdn.waf: many rules'));
    expect(many.rule).toEqual({ id: '941101', description: 'XSS 1' });
    expect(many.tags).toEqual(['OWASP_CRS/WEB_ATTACK/XSS', 'PCI/6.5.1']);
    expect(toEcs(byLabel('gcore: no rules')).rule).toBeUndefined();
    expect(toEcs(byLabel('gcore: no rules')).tags).toBeUndefined();
  });

  it('minimal records give minimal documents: nothing sent empty', () => {
    const document = toEcs(byLabel('gcore: empty strings everywhere'));
    expect(Object.keys(document).sort()).toEqual(['@timestamp', 'ecs', 'event', 'observer', 'related', 'source']);
    expect(document.http).toBeUndefined();
  });

  it('JA4 has no ECS 9.4.0 field, so it is left out rather than invented', () => {
    const [, event] = withJa4()[0]!;
    expect(ecsErrors(toEcs(event))).toEqual([]);
    expect(JSON.stringify(toEcs(event))).not.toContain('t13d1516h2');
  });

  it('is pure: same output for the same event, the event untouched', () => {
    const event = byLabel('transactcdn.waf: many rules');
    const before = structuredClone(event);
    const first = toEcs(event);
    expect(toEcs(event)).toStrictEqual(first);
    (first.tags as string[]).push('changed');
    (first.event.type as string[]).push('changed');
    expect(event).toStrictEqual(before);
    expect(toEcs(event).event.type).toEqual(['access', 'denied']);
  });
});
