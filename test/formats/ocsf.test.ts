import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { Disposition } from '../../src/core/event.js';
import type { SecurityEvent } from '../../src/events.js';
import { toOcsf, type OcsfHttpActivity } from '../../src/formats/ocsf.js';
import { allEvents, docSamples, edgeCases, everyAction, everyDisposition, withJa4 } from '../support/security-events.js';

// The standard's own definitions (fixtures/standards/README.md): the compiled JSON Schema and its table form.
const standard = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/standards/${name}`, import.meta.url), 'utf8'));
const schema = standard('ocsf-1.8.0-http_activity-security_control.schema.json') as object;
const reference = standard('ocsf-1.8.0-http_activity-reference.json') as {
  ocsf_version: string;
  'metadata.version': string;
  class_uid: number;
  category_uid: number;
  category_name: string;
  profile: 'security_control';
  enums: Record<'activity_id' | 'type_uid' | 'severity_id' | 'action_id' | 'disposition_id', Record<string, string>>;
};

const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);

function schemaErrors(document: unknown): string[] {
  return validate(document) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`);
}

/** What the schema cannot say, from the README of the fixtures and the reference table. */
function semanticErrors(ocsf: OcsfHttpActivity): string[] {
  const errors: string[] = [];
  const caption = (name: keyof typeof reference.enums, id: number, value: string) => {
    const expected = reference.enums[name][String(id)];
    if (expected === undefined) errors.push(`${name} ${id} is not in the table`);
    // For 99 (Other) OCSF leaves the caption to the source; it still has to say something.
    else if (id === 99 ? value.trim() === '' : value !== expected) errors.push(`${name} ${id} has caption ${JSON.stringify(value)}, the table says ${JSON.stringify(expected)}`);
  };
  if (ocsf.type_uid !== ocsf.class_uid * 100 + ocsf.activity_id) errors.push(`type_uid ${ocsf.type_uid} != class_uid * 100 + activity_id`);
  caption('type_uid', ocsf.type_uid, ocsf.type_name);
  if (ocsf.type_name !== reference.enums.type_uid[String(ocsf.type_uid)]) errors.push(`type_name ${ocsf.type_name}`);
  caption('activity_id', ocsf.activity_id, ocsf.activity_name);
  caption('severity_id', ocsf.severity_id, ocsf.severity);
  caption('action_id', ocsf.action_id, ocsf.action);
  caption('disposition_id', ocsf.disposition_id, ocsf.disposition);
  if (ocsf.class_uid !== reference.class_uid || ocsf.category_uid !== reference.category_uid) errors.push('class or category');
  if (ocsf.category_name !== reference.category_name) errors.push(`category_name ${ocsf.category_name}`);
  if (ocsf.metadata.version !== reference['metadata.version']) errors.push(`metadata.version ${ocsf.metadata.version}`);
  if (!ocsf.metadata.profiles.includes(reference.profile)) errors.push('metadata.profiles lacks security_control');
  const country = ocsf.src_endpoint?.location?.country;
  if (country !== undefined && !/^[A-Z]{2}$/.test(country)) errors.push(`location.country ${country}`);
  if (!Number.isSafeInteger(ocsf.time)) errors.push(`time ${ocsf.time}`);
  return errors;
}

const corpus = allEvents();
const byLabel = (label: string): SecurityEvent => {
  const found = corpus.find(([name]) => name === label);
  if (!found) throw new Error(`no event labelled ${label}`);
  return found[1];
};

describe('toOcsf against the OCSF 1.8.0 HTTP Activity schema (security_control)', () => {
  it('the corpus covers every source, every disposition and the edge cases', () => {
    const events = corpus.map(([, event]) => event);
    expect(new Set(events.map((event) => event.source))).toEqual(new Set(['gcore.waap', 'transactcdn.waf', 'transactcdn.rate_limiting', 'botbye.requests']));
    const reached = new Set([...docSamples(), ...everyAction()].map(([, event]) => event.disposition));
    expect([...reached].sort()).toEqual(['allowed', 'blocked', 'challenged', 'custom_response', 'dropped', 'logged', 'redirected', 'unknown']);
    expect(new Set(docSamples().map(([, event]) => event.source)).size).toBe(4);
    expect(edgeCases().length + withJa4().length + everyDisposition().length).toBeGreaterThan(40);
  });

  it.each(corpus)('%s: valid against the schema, and what the schema cannot check holds', (_label, event) => {
    const ocsf = toOcsf(event);
    expect(schemaErrors(ocsf)).toEqual([]);
    expect(semanticErrors(ocsf)).toEqual([]);
    expect(ocsf.metadata.uid).toBe(event.id);
    expect(ocsf.time).toBe(event.time.getTime());
    expect(JSON.parse(ocsf.raw_data)).toEqual(event.raw);
  });

  it('the validator is not vacuous: it refuses what OCSF forbids', () => {
    const good = toOcsf(byLabel('gcore: every field'));
    expect(schemaErrors(good)).toEqual([]);
    const broken: unknown[] = [
      { ...good, http_request: { ...good.http_request, http_method: 'PROPFIND' } },
      { ...good, metadata: { ...good.metadata, product: {} } },
      { ...good, class_uid: 4001 },
      { ...good, src_endpoint: { ip: '999.1.1.1' } },
      { ...good, tls: { ja3_hash: good.tls!.ja3_hash } },
      { ...good, firewall_rule: { desc: 'a rule with neither name nor uid' } },
      { ...good, surprise: true },
      (({ http_request: _r, http_response: _s, ...rest }) => rest)(good),
    ];
    for (const document of broken) expect(schemaErrors(document)).not.toEqual([]);
    expect(semanticErrors({ ...good, type_uid: 400206 })).not.toEqual([]);
    expect(semanticErrors({ ...good, disposition: 'Denied' })).not.toEqual([]);
  });

  it('maps a full Gcore record attribute by attribute', () => {
    const event = byLabel('gcore: every field');
    expect(toOcsf(event)).toStrictEqual({
      class_uid: 4002,
      class_name: 'HTTP Activity',
      category_uid: 4,
      category_name: 'Network Activity',
      activity_id: 3,
      activity_name: 'Get',
      type_uid: 400203,
      type_name: 'HTTP Activity: Get',
      time: 1_764_583_200_123,
      severity_id: 1,
      severity: 'Informational',
      action_id: 2,
      action: 'Denied',
      disposition_id: 2,
      disposition: 'Blocked',
      metadata: {
        version: '1.8.0',
        profiles: ['security_control'],
        product: { name: 'WAAP', vendor_name: 'Gcore' },
        uid: 'g-every field',
        original_event_uid: 'g-every field',
        original_time: '1764583200123',
        labels: ['sqli', 'attack'],
      },
      http_request: {
        http_method: 'GET',
        url: {
          url_string: 'https://shop.example.com:8443/search?q=%27%20or%201%3D1&page=2',
          scheme: 'https',
          hostname: 'shop.example.com',
          port: 8443,
          path: '/search',
          query_string: 'q=%27%20or%201%3D1&page=2',
        },
        user_agent: 'curl/8.5.0',
        version: '2.0',
      },
      http_response: { code: 403 },
      src_endpoint: { ip: '198.51.100.7', location: { country: 'NL' }, autonomous_system: { name: 'Example Hosting B.V.' } },
      tls: { version: 'Unknown', ja3_hash: { algorithm_id: 1, algorithm: 'MD5', value: 'e7d705a3286e19ea42f587b344ee6865' } },
      firewall_rule: { uid: 'sqli-1', name: 'SQL injection' },
      unmapped: { source: 'gcore.waap', provider_action: 'blocked', session_id: 'sess-1' },
      raw_data: JSON.stringify(event.raw),
    });
  });

  it('maps the TransactCDN WAF doc sample: the URL split, the sub event as the rule, the audit trail in unmapped', () => {
    const [, event] = docSamples().find(([, e]) => e.source === 'transactcdn.waf')!;
    const ocsf = toOcsf(event);
    expect(ocsf.http_request).toEqual({
      url: { url_string: 'http://www.example.com/mywebpage.html', scheme: 'http', hostname: 'www.example.com', path: '/mywebpage.html' },
      user_agent: expect.stringContaining('Chrome/52'),
    });
    expect(ocsf.firewall_rule).toEqual({ uid: '981255', desc: 'Detects MSSQL code execution and information gathering attempts' });
    expect(ocsf.policy).toEqual({ name: 'Inbound blocking' });
    expect([ocsf.action, ocsf.disposition_id, ocsf.disposition]).toEqual(['Denied', 7, 'Custom Action']);
    expect(ocsf.metadata.original_time).toBe('2016-09-07T00:20:40.345809Z');
    expect(ocsf.metadata.product).toEqual({ name: 'WAF', vendor_name: 'TransactCDN' });
    expect(ocsf.activity_id).toBe(0);
    expect(ocsf.http_response).toBeUndefined();
  });

  const OUTCOMES: Record<Disposition, [number, string, number, string]> = {
    allowed: [1, 'Allowed', 1, 'Allowed'],
    blocked: [2, 'Denied', 2, 'Blocked'],
    dropped: [2, 'Denied', 6, 'Dropped'],
    challenged: [2, 'Denied', 23, 'Challenge'],
    redirected: [2, 'Denied', 99, 'Redirected'],
    custom_response: [2, 'Denied', 7, 'Custom Action'],
    logged: [3, 'Observed', 17, 'Logged'],
    unknown: [0, 'Unknown', 0, 'Unknown'],
  };
  it.each(everyDisposition())('%s: action and disposition from the normalized disposition', (_label, event) => {
    const ocsf = toOcsf(event);
    expect([ocsf.action_id, ocsf.action, ocsf.disposition_id, ocsf.disposition]).toEqual(OUTCOMES[event.disposition]);
  });

  it.each([
    ['CONNECT', 1], ['DELETE', 2], ['GET', 3], ['HEAD', 4], ['OPTIONS', 5], ['POST', 6], ['PUT', 7], ['TRACE', 8], ['PATCH', 9],
  ] as const)('method %s is activity %i', (method, activity) => {
    const ocsf = toOcsf(byLabel(`gcore: method ${method}`));
    expect([ocsf.activity_id, ocsf.type_uid, ocsf.http_request.http_method]).toEqual([activity, 400200 + activity, method]);
  });

  it('an unknown method is activity Other named by the method, and stays out of the enum-bound http_method', () => {
    for (const [label, method] of [['gcore: unknown method', 'PROPFIND'], ['transactcdn.waf: unknown method', 'MKCOL']] as const) {
      const ocsf = toOcsf(byLabel(label));
      expect([ocsf.activity_id, ocsf.activity_name, ocsf.type_uid, ocsf.type_name]).toEqual([99, method, 400299, 'HTTP Activity: Other']);
      expect(ocsf.http_request.http_method).toBeUndefined();
    }
    expect(toOcsf(byLabel('gcore: only the required fields'))).toMatchObject({ activity_id: 0, activity_name: 'Unknown', type_uid: 400200 });
    expect(toOcsf(byLabel('gcore: lower-case method'))).toMatchObject({ activity_id: 3, http_request: { http_method: 'GET' } });
  });

  it('IPv6 clients keep their address; a value that is no address leaves src_endpoint out', () => {
    expect(toOcsf(byLabel('gcore: IPv6 client')).src_endpoint).toEqual({ ip: '2001:db8::42', location: { country: 'DE' } });
    expect(toOcsf(byLabel('gcore: IPv4-mapped IPv6 client')).src_endpoint).toEqual({ ip: '::ffff:192.0.2.1' });
    expect(toOcsf(byLabel('botbye: IPv6 realIp')).src_endpoint?.ip).toBe('fe80::1');
    const v6host = toOcsf(byLabel('transactcdn.waf: IPv6 client, IPv6 host with port'));
    expect(v6host.http_request.url).toMatchObject({ hostname: '2001:db8::1', port: 8443, path: '/a', query_string: 'b=c' });
    expect(toOcsf(byLabel('gcore: client address that is no address')).src_endpoint).toBeUndefined();
    expect(toOcsf(byLabel('botbye: no address at all')).src_endpoint).toBeUndefined();
  });

  it('the autonomous system from BotBye ASNs, only when it reads as a number', () => {
    expect(toOcsf(byLabel('botbye: every field')).src_endpoint).toEqual({ ip: '198.51.100.10', location: { country: 'US' }, autonomous_system: { number: 15169 } });
    expect(toOcsf(byLabel('botbye: numeric ASN')).src_endpoint?.autonomous_system).toEqual({ number: 13335 });
    expect(toOcsf(byLabel('botbye: unreadable ASN')).src_endpoint?.autonomous_system).toBeUndefined();
  });

  it('no rules: no firewall_rule; many rules: the first in firewall_rule, all of them in unmapped, every tag a label', () => {
    const none = toOcsf(byLabel('gcore: no rules'));
    expect(none.firewall_rule).toBeUndefined();
    expect(none.unmapped.rules).toBeUndefined();
    const many = toOcsf(byLabel('transactcdn.waf: many rules'));
    expect(many.firewall_rule).toEqual({ uid: '941101', desc: 'XSS 1' });
    expect(many.unmapped.rules?.map((rule) => rule.id)).toEqual(['941101', '941102', '941103', '941104', '941105']);
    expect(many.metadata.labels).toEqual(['OWASP_CRS/WEB_ATTACK/XSS', 'PCI/6.5.1']);
    const checks = toOcsf(byLabel('botbye: many failed checks'));
    expect(checks.firewall_rule).toEqual({ uid: 'fingerprint' });
    expect(checks.unmapped.rules).toEqual([{ id: 'fingerprint' }, { id: 'headless' }, { id: 'rate_limit' }]);
    // A rule with neither id nor name cannot be a firewall_rule (the schema needs one of them): it stays in unmapped.
    const messageOnly = toOcsf(byLabel('transactcdn.waf: a rule with a message only'));
    expect(messageOnly.firewall_rule).toBeUndefined();
    expect(messageOnly.unmapped.rules).toEqual([{ message: 'Anomaly score exceeded' }]);
  });

  it('JA3 goes in tls.ja3_hash (MD5), JA4 in ja4_fingerprint_list when the event has client.ja4', () => {
    expect(toOcsf(byLabel('gcore: every field')).tls?.ja3_hash).toEqual({ algorithm_id: 1, algorithm: 'MD5', value: 'e7d705a3286e19ea42f587b344ee6865' });
    expect(toOcsf(byLabel('gcore: only the required fields')).tls).toBeUndefined();
    const [, withJa4Event] = withJa4()[0]!;
    expect(toOcsf(withJa4Event).ja4_fingerprint_list).toEqual([{ type_id: 1, type: 'JA4', value: 't13d1516h2_8daaf6152771_b0da82dd1658' }]);
    expect(toOcsf(byLabel('botbye: passed')).ja4_fingerprint_list).toBeUndefined();
  });

  it('is pure: same output for the same event, the event untouched, nothing shared with it', () => {
    const event = byLabel('transactcdn.waf: many rules');
    const before = structuredClone(event);
    const first = toOcsf(event);
    expect(toOcsf(event)).toStrictEqual(first);
    first.unmapped.rules![0]!.tags!.push('changed');
    first.metadata.labels!.push('changed');
    expect(event).toStrictEqual(before);
  });
});
