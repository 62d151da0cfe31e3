import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import type { Provider } from '../../src/providers/registry.js';
import { dispositionSchema, type Disposition } from '../../src/core/event.js';
import { eventCoreSchema } from '../../src/providers/registry.js';
import { parseResponse } from '../../src/core/validate.js';
import type { SecurityEvent } from '../../src/events.js';
import { normalizeBotByeRequest } from '../../src/providers/botbye/normalize.js';
import { botByePageSchema } from '../../src/providers/botbye/response.js';
import { normalizeGcore } from '../../src/providers/gcore/normalize.js';
import { gcoreRequestsPageSchema } from '../../src/providers/gcore/response.js';
import { normalizeRateLimitingEvent, normalizeWafEvent } from '../../src/providers/transactcdn/normalize.js';
import { rateLimitingPageSchema, wafPageSchema } from '../../src/providers/transactcdn/response.js';

/**
 * Normalized events for the format tests, every one produced by a shipped normalizer from a record its
 * provider's response schema accepts: the doc samples in fixtures/, one record per provider action (so every
 * disposition), and the edge cases of normalization. Each is checked against the normalized-event schema, so the
 * formats are tested on what the SDK really emits, not on hand-built objects.
 */

const fixture = (path: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8'));
const accept = <S extends z.ZodType>(schema: S, body: unknown, provider: Provider): z.output<S> => parseResponse(schema, body, provider, '/test');

type Labelled = readonly [label: string, event: SecurityEvent];

function checked(label: string, event: SecurityEvent): Labelled {
  eventCoreSchema.parse(event);
  return [label, event];
}

const gcorePage = (results: readonly Record<string, unknown>[]) => ({ limit: 100, offset: 0, count: results.length, results });
const wafPage = (events: readonly Record<string, unknown>[]) => ({ page: 1, page_of: 1, time_from: 0, time_to: 2e9, events });
const botByePage = (nodes: readonly Record<string, unknown>[]) => ({ edges: nodes.map((node) => ({ node })), pageInfo: { hasNextPage: false } });

function gcore(label: string, record: Record<string, unknown>): Labelled {
  const full = { id: `g-${label}`, request_time: 1_764_583_200_123, client_ip: '198.51.100.7', ...record };
  return checked(`gcore: ${label}`, normalizeGcore(accept(gcoreRequestsPageSchema, gcorePage([full]), 'gcore').results[0]!));
}
function waf(label: string, record: Record<string, unknown>): Labelled {
  const full = { id: `w-${label}`, 'Epoch Time': 1_764_583_200.5, 'Client IP': '198.51.100.8', ...record };
  return checked(`transactcdn.waf: ${label}`, normalizeWafEvent(accept(wafPageSchema, wafPage([full]), 'transactcdn').events[0]!));
}
function rateLimiting(label: string, record: Record<string, unknown>): Labelled {
  const full = { id: `r-${label}`, Timestamp: '2025-12-01T10:00:00:123456Z', 'Client IP': '198.51.100.9', ...record };
  return checked(`transactcdn.rate_limiting: ${label}`, normalizeRateLimitingEvent(accept(rateLimitingPageSchema, wafPage([full]), 'transactcdn').events[0]!));
}
function botBye(label: string, record: Record<string, unknown>): Labelled {
  const full = { id: `b-${label}`, createdAt: '2025-12-01T10:00:00Z', realIp: '198.51.100.10', ...record };
  return checked(`botbye: ${label}`, normalizeBotByeRequest(accept(botByePageSchema, botByePage([full]), 'botbye').edges[0]!.node));
}

/** The doc samples of every source, as the normalizers map them. */
export function docSamples(): Labelled[] {
  const g = accept(gcoreRequestsPageSchema, fixture('gcore/requests-page.json'), 'gcore').results.map(normalizeGcore);
  const w = accept(wafPageSchema, fixture('transactcdn/waf-eventlogs-page.json'), 'transactcdn').events.map(normalizeWafEvent);
  const r = accept(rateLimitingPageSchema, fixture('transactcdn/rate-limiting-eventlogs-page.json'), 'transactcdn').events.map(normalizeRateLimitingEvent);
  const b = accept(botByePageSchema, fixture('botbye/requests-page.json'), 'botbye').edges.map((edge) => normalizeBotByeRequest(edge.node));
  return [...g, ...w, ...r, ...b].map((event, i) => checked(`doc sample ${i}: ${event.source} ${event.id}`, event));
}

/** One record per provider action word, so that together they reach every disposition. */
export function everyAction(): Labelled[] {
  return [
    gcore('decision allowed', { decision: 'allowed' }),
    gcore('decision passed', { decision: 'passed' }),
    gcore('decision blocked', { decision: 'blocked', rule_id: '9001', rule_name: 'SQLi' }),
    gcore('blocked with captcha', { decision: 'blocked', optional_action: 'captcha', rule_id: '9002' }),
    gcore('blocked with challenge', { decision: 'blocked', optional_action: 'challenge', rule_name: 'JS challenge' }),
    gcore('decision monitored', { decision: 'monitored', rule_id: '9003', traffic_types: 'sqli, xss' }),
    gcore('decision empty', { decision: '' }),
    gcore('decision unheard of', { decision: 'quarantined' }),
    ...['BLOCK_REQUEST', 'ALERT', 'REDIRECT_302', 'CUSTOM_RESPONSE', 'BROWSER_CHALLENGE', 'NEW_ACTION'].map((action) =>
      waf(`Action Type ${action}`, { 'Action Type': action, 'Profile Type': 'PRODUCTION', 'Sub Events': [{ 'Rule ID': 950001, 'Rule Message': 'SQLi' }] }),
    ),
    waf('audit profile', { 'Action Type': 'BLOCK_REQUEST', 'Profile Type': 'AUDIT', 'Rule Policy': 'Inbound blocking' }),
    ...['DROP_REQUEST', 'ALERT', 'REDIRECT_302', 'CUSTOM_RESPONSE', 'NEW_TYPE'].map((type) =>
      rateLimiting(`enforcement ${type}`, { 'Rate Limiting Enforcement Type': type, 'Rate Limiting Enforcement Rule ID': 'rl-1' }),
    ),
    botBye('banned by rule', { isBanByRule: true, failedChecks: 'custom_rule' }),
    botBye('declined', { failedMessage: 'Bot detected', failedChecks: 'fingerprint' }),
    botBye('passed', {}),
  ];
}

/** The edge cases of normalization: absent fields, odd methods and addresses, no rules and many. */
export function edgeCases(): Labelled[] {
  const manySubEvents = [1, 2, 3, 4, 5].map((n) => ({ 'Rule ID': 941100 + n, 'Rule Message': `XSS ${n}` }));
  return [
    gcore('only the required fields', {}),
    waf('only the required fields', {}),
    rateLimiting('only the required fields', {}),
    botBye('only the required fields', {}),
    botBye('no address at all', { realIp: null, remoteAddr: null }),
    gcore('empty strings everywhere', { path: '', method: '', rule_name: '', rule_id: '', country: '', domain: '', user_agent: '', organization: '', scheme: '', http_version: '', ja3: '' }),
    gcore('unknown method', { method: 'propfind', path: '/dav' }),
    waf('unknown method', { 'Request Method': 'HTTP_METHOD_MKCOL', URL: 'https://example.com/x' }),
    rateLimiting('placeholder method and status', { 'Request Method': 'XXXNAXXX@fields.METHOD', Status: 'XXXNAXXX@fields.STATUS' }),
    ...['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'TRACE', 'PATCH'].map((method) => gcore(`method ${method}`, { method, path: '/' })),
    gcore('lower-case method', { method: 'get', path: '/' }),
    gcore('IPv6 client', { client_ip: '2001:db8::42', country: 'de' }),
    gcore('IPv4-mapped IPv6 client', { client_ip: '::ffff:192.0.2.1' }),
    waf('IPv6 client, IPv6 host with port', { 'Client IP': '2001:db8:0:0:1:0:0:1', URL: 'https://[2001:db8::1]:8443/a?b=c', Host: '[2001:db8::1]:8443' }),
    botBye('IPv6 realIp', { realIp: 'fe80::1' }),
    gcore('client address that is no address', { client_ip: 'unknown' }),
    gcore('a path that is only a query', { path: '?debug=1', domain: 'example.com', scheme: 'https' }),
    gcore('no rules', { decision: 'allowed', path: '/ok' }),
    waf('many rules', { 'Action Type': 'BLOCK_REQUEST', 'Rule Tags': 'OWASP_CRS/WEB_ATTACK/XSS, PCI/6.5.1', 'Sub Events': manySubEvents }),
    waf('a rule with a message only', { 'Action Type': 'ALERT', 'Rule Message': 'Anomaly score exceeded' }),
    botBye('many failed checks', { failedChecks: 'fingerprint, headless, rate_limit', failedMessage: 'several' }),
    gcore('every field', {
      path: '/search?q=%27%20or%201%3D1&page=2',
      method: 'GET',
      rule_name: 'SQL injection',
      rule_id: 'sqli-1',
      country: 'nl',
      domain: 'shop.example.com:8443',
      user_agent: 'curl/8.5.0',
      organization: 'Example Hosting B.V.',
      status_code: 403,
      decision: 'blocked',
      traffic_types: 'sqli,attack',
      session_id: 'sess-1',
      scheme: 'https',
      http_version: '2.0',
      ja3: 'e7d705a3286e19ea42f587b344ee6865',
    }),
    waf('every field', {
      'Action Type': 'BLOCK_REQUEST',
      'Country Code': 'fr',
      URL: 'https://www.example.com/login.php?user=admin#top',
      Host: 'www.example.com',
      Referer: 'https://www.example.com/',
      'User Agent': 'Mozilla/5.0',
      'Request Method': 'HTTP_METHOD_POST',
      Status: 'HTTP_STATUS_FORBIDDEN',
      'Rule Policy': 'Inbound blocking',
      'Rule Tags': 'OWASP_CRS/WEB_ATTACK/SQL_INJECTION',
      'Sub Events': [{ 'Rule ID': 942100, 'Rule Message': 'SQL Injection Attack Detected via libinjection' }],
    }),
    rateLimiting('every field', {
      'Rate Limiting Enforcement Type': 'DROP_REQUEST',
      'Rate Limiting Enforcement Rule ID': 'rl-77',
      URL: 'http://cdn.example.com/api/items?page=9',
      Host: 'cdn.example.com',
      'Country Code': 'US',
      'Request Method': 'HTTP_METHOD_GET',
      Status: 'HTTP_STATUS_SERVICE_NOT_AVAILABLE',
      'User Agent': 'loadtest/1.0',
      Referer: 'XXXNAXXX@fields.REFERER',
    }),
    botBye('every field', {
      requestMethod: 'post',
      host: 'api.example.com',
      requestUri: '/api/v1/login?next=%2F',
      referer: 'https://example.com/login',
      userAgent: 'Mozilla/5.0',
      country: 'USA',
      asn: 'AS15169',
      isBanByRule: true,
      failedChecks: 'rate_limit',
      failedMessage: 'Rate limit exceeded',
    }),
    botBye('numeric ASN', { asn: '13335' }),
    botBye('unreadable ASN', { asn: 'Cloudflare' }),
  ];
}

/**
 * `client.ja4` is added to the normalized event by another change; until then no normalizer sets it, so this
 * adds it to real normalized events the way a normalizer would.
 */
export function withJa4(): Labelled[] {
  const ja4 = 't13d1516h2_8daaf6152771_b0da82dd1658';
  return [...everyAction().slice(0, 2), ...edgeCases().slice(-4)].map(([label, event]) => [`${label} + JA4`, { ...event, client: { ...event.client, ja4 } }] as const);
}

/** Each normalized event with each disposition in turn: the disposition tables, whole. */
export function everyDisposition(): Labelled[] {
  const samples = [edgeCases().find(([label]) => label === 'gcore: every field')!, edgeCases().find(([label]) => label === 'botbye: every field')!];
  return dispositionSchema.options.flatMap((disposition: Disposition) =>
    samples.map(([label, event]) => [`${label} as ${disposition}`, { ...event, disposition }] as const),
  );
}

/** Everything above. */
export function allEvents(): Labelled[] {
  return [...docSamples(), ...everyAction(), ...edgeCases(), ...withJa4(), ...everyDisposition()];
}
