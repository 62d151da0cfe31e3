import type { GcoreRecord } from '../providers/gcore/response.js';
import type { FakeNode } from './botbye.js';
import type { Random } from './random.js';
import type { FakeEvent } from './transactcdn.js';

/**
 * Realistic records for each provider, drawn from a seeded `Random`: a mix of clean traffic and attacks (SQLi, XSS,
 * path traversal, scanners, bots), of countries, networks, user agents and decisions, in each API's own field
 * names and value formats (as in the provider docs' samples).
 */

interface Visitor {
  ip: string;
  country: { code: string; code3: string; name: string; city: string };
  asn: number;
  organization: string;
  userAgent: string;
  client: string;
}

const COUNTRIES = [
  { code: 'US', code3: 'USA', name: 'United States', city: 'Ashburn' },
  { code: 'DE', code3: 'DEU', name: 'Germany', city: 'Frankfurt am Main' },
  { code: 'FR', code3: 'FRA', name: 'France', city: 'Paris' },
  { code: 'GB', code3: 'GBR', name: 'United Kingdom', city: 'London' },
  { code: 'NL', code3: 'NLD', name: 'Netherlands', city: 'Amsterdam' },
  { code: 'BR', code3: 'BRA', name: 'Brazil', city: 'Sao Paulo' },
  { code: 'IN', code3: 'IND', name: 'India', city: 'Mumbai' },
  { code: 'JP', code3: 'JPN', name: 'Japan', city: 'Tokyo' },
  { code: 'SG', code3: 'SGP', name: 'Singapore', city: 'Singapore' },
  { code: 'CN', code3: 'CHN', name: 'China', city: 'Beijing' },
] as const;
const NETWORKS = [
  [16509, 'Amazon.com, Inc.'],
  [15169, 'Google LLC'],
  [14061, 'DigitalOcean, LLC'],
  [24940, 'Hetzner Online GmbH'],
  [16276, 'OVH SAS'],
  [7922, 'Comcast Cable Communications, LLC'],
  [3320, 'Deutsche Telekom AG'],
] as const;
const BROWSERS = [
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Chrome'],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15', 'Safari'],
  ['Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148', 'Mobile Safari'],
] as const;
const TOOLS = [
  ['sqlmap/1.8.11#stable (https://sqlmap.org)', 'sqlmap'],
  ['python-requests/2.32.3', 'Python Requests'],
  ['curl/8.5.0', 'curl'],
  ['Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)', 'Nmap'],
  ['HeadlessChrome/131.0.6778.33', 'Headless Chrome'],
] as const;
const CLEAN_PATHS = ['/', '/products', '/products/42', '/cart', '/checkout?step=2', '/search?q=running+shoes', '/api/v1/session', '/login'];

/** One kind of attack, as each provider would describe it. */
const ATTACKS = [
  { path: "/search?q=1'+OR+'1'='1", gcoreType: 'sqlinjection', rule: 'SQL injection', ruleId: 'S1001', crsId: 942100, crs: 'SQL Injection Attack Detected via libinjection', on: 'ARGS:q', data: "1' OR '1'='1" },
  { path: '/comment?text=<script>alert(1)</script>', gcoreType: 'xss', rule: 'Cross-site scripting', ruleId: 'S1002', crsId: 941100, crs: 'XSS Attack Detected via libinjection', on: 'ARGS:text', data: '<script>alert(1)</script>' },
  { path: '/static/../../etc/passwd', gcoreType: 'pathtraversal', rule: 'Path traversal', ruleId: 'S1003', crsId: 930100, crs: 'Path Traversal Attack (/../)', on: 'REQUEST_URI', data: '../../etc/passwd' },
  { path: '/.env', gcoreType: 'scanner', rule: 'Sensitive file access', ruleId: 'S1004', crsId: 930130, crs: 'Restricted File Access Attempt', on: 'REQUEST_FILENAME', data: '/.env' },
  { path: '/wp-login.php', gcoreType: 'bruteforce', rule: 'Brute force', ruleId: 'S1005', crsId: 913100, crs: 'Found User-Agent associated with security scanner', on: 'REQUEST_HEADERS:User-Agent', data: 'sqlmap' },
] as const;
type Attack = (typeof ATTACKS)[number];

function visitor(rand: Random, hostile: boolean): Visitor {
  const [asn, organization] = rand.pick(NETWORKS);
  const [userAgent, client] = hostile && rand.chance(0.7) ? rand.pick(TOOLS) : rand.pick(BROWSERS);
  const ip = rand.chance(0.1)
    ? `2001:db8:${rand.hex(4)}::${rand.hex(2)}`
    : `${rand.pick([198, 203, 192])}.${rand.int(0, 255)}.${rand.int(0, 255)}.${rand.int(1, 254)}`;
  return { ip, country: rand.pick(COUNTRIES), asn, organization, userAgent, client };
}

function attackOrNot(rand: Random, share: number): Attack | undefined {
  return rand.chance(share) ? rand.pick(ATTACKS) : undefined;
}

/** A Gcore WAAP request summary at `timeMs`. */
export function gcoreRecord(rand: Random, timeMs: number): GcoreRecord {
  const attack = attackOrNot(rand, 0.45);
  const who = visitor(rand, attack !== undefined);
  const decision = attack ? rand.pick(['blocked', 'blocked', 'monitored']) : rand.pick(['passed', 'passed', 'allowed']);
  const blocked = decision === 'blocked';
  const challenge = blocked && rand.chance(0.2) ? rand.pick(['captcha', 'handshake']) : '';
  const reference = rand.hex(32);
  return {
    id: `${rand.hex(32)}-${String(rand.int(0, 999_999)).padStart(6, '0')}`,
    request_time: Math.floor(timeMs),
    client_ip: who.ip,
    path: attack ? attack.path : rand.pick(CLEAN_PATHS),
    method: attack || rand.chance(0.7) ? 'GET' : rand.pick(['POST', 'PUT', 'HEAD']),
    rule_name: attack ? attack.rule : '',
    rule_id: attack ? attack.ruleId : '',
    country: who.country.code,
    action: blocked ? (challenge ? 'challenge' : 'block') : attack ? 'monitor' : '',
    domain: rand.pick(['shop.example.com', 'api.example.com']),
    domain_id: rand.int(1, 3),
    user_agent: who.userAgent,
    user_agent_client: who.client,
    organization: who.organization,
    reference_id: reference,
    status_code: blocked ? 403 : rand.pick([200, 200, 200, 302, 304, 404]),
    result: blocked ? 'blocked' : 'passed',
    traffic_types: attack ? attack.gcoreType : '',
    decision,
    optional_action: challenge,
    session_id: rand.chance(0.5) ? rand.hex(16) : '',
    scheme: 'https',
    http_version: rand.pick(['1.1', '2.0']),
    ja3: rand.hex(32),
  };
}

const HOSTS = ['www.example.com', 'secure.example.com', 'cdn.example.com'];

/** The API's `Timestamp`: ISO 8601 with microseconds. */
function timestamp(us: number): string {
  return `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 19)}.${String(us % 1_000_000).padStart(6, '0')}Z`;
}

/** An opaque id like the API's: 64 random bytes, base64url with padding. */
function opaqueId(rand: Random): string {
  return Buffer.from(rand.hex(128), 'hex').toString('base64url') + '==';
}

/** A TransactCDN WAF event at `timeMs` (microsecond precision, as the API keeps). */
export function transactCdnWafEvent(rand: Random, timeMs: number): FakeEvent {
  const attack = rand.pick(ATTACKS);
  const who = visitor(rand, true);
  const us = Math.round(timeMs * 1000);
  const host = rand.pick(HOSTS);
  const audit = rand.chance(0.2);
  const score = rand.int(5, 25);
  return {
    'Epoch Time': us / 1_000_000,
    'Event ID': `${rand.int(1, 9)}${Array.from({ length: 37 }, () => rand.int(0, 9)).join('')}`,
    id: opaqueId(rand),
    Timestamp: timestamp(us),
    'Client IP': who.ip,
    'Country Code': who.country.code,
    'Country Name': who.country.name,
    'City Name': who.country.city,
    Host: host,
    URL: `https://${host}${attack.path}`,
    'User Agent': who.userAgent,
    Referer: rand.chance(0.5) ? `https://${host}/` : '',
    'Action Type': audit ? 'ALERT' : rand.pick(['BLOCK_REQUEST', 'CUSTOM_RESPONSE', 'REDIRECT_302']),
    'Profile Type': audit ? 'AUDIT' : 'PRODUCTION',
    'Profile Name': rand.pick(['My Profile', 'Shop Profile']),
    'Instance Name': 'My Instance',
    'Rule Policy': 'Inbound blocking',
    'Rule Tags': 'OWASP_CRS/ANOMALY/EXCEEDED',
    'Rule Message': `Inbound Anomaly Score Exceeded (Total Score: ${score}): Last Matched Message: ${attack.crsId}-${attack.crs}`,
    'Sub Event Count': 1,
    'Sub Events': [
      {
        'Rule ID': attack.crsId,
        'Rule Message': attack.crs,
        'Matched On': attack.on,
        'Matched Data': attack.data,
        'Matched Value': attack.data,
        'Rule Severity': rand.int(2, 5),
        'Total Anomaly Score': score,
      },
    ],
  };
}

/** A TransactCDN rate-limiting event at `timeMs`. */
export function transactCdnRateLimitingEvent(rand: Random, timeMs: number): FakeEvent {
  const who = visitor(rand, rand.chance(0.5));
  const us = Math.round(timeMs * 1000);
  const host = rand.pick(HOSTS);
  return {
    'Epoch Time': us / 1_000_000,
    id: opaqueId(rand),
    Timestamp: timestamp(us),
    Status: rand.pick(['HTTP_STATUS_SERVICE_NOT_AVAILABLE', 'HTTP_STATUS_TOO_MANY_REQUESTS']),
    'Client IP': who.ip,
    'Country Code': who.country.code,
    Host: host,
    URL: `https://${host}${rand.pick(CLEAN_PATHS)}`,
    'User Agent': who.userAgent,
    Referer: 'XXXNAXXX@fields.REFERER',
    'Request Method': rand.pick(['HTTP_METHOD_GET', 'HTTP_METHOD_GET', 'HTTP_METHOD_POST']),
    'Rate Limiting Enforcement Type': rand.pick(['DROP_REQUEST', 'ALERT', 'REDIRECT_302', 'CUSTOM_RESPONSE']),
    'Rate Limiting Enforcement Rule ID': `rl-${rand.hex(8)}`,
    'Rate Limiting Enforcement Tuple ID': `${rand.hex(8)}-${rand.hex(4)}-${rand.hex(4)}-${rand.hex(4)}-${rand.hex(16)}`,
    'Rate Limiting Enforcement Start Epoch': Math.floor(timeMs / 1000) * 1000,
    'Rate Limiting Enforcement Percentage': Math.round(rand.next() * 10_000) / 100,
    'Rate Limiting Enforcement Duration': rand.int(30, 600),
  };
}

const CHECKS = ['rate_limit', 'bad_user_agent', 'headless_browser', 'ip_reputation', 'token_missing'];

/** A BotBye request record at `timeMs`; `id` must be unique within the dataset. */
export function botByeRequest(rand: Random, timeMs: number, id: string, projectId: string): FakeNode {
  const hostile = rand.chance(0.35);
  const who = visitor(rand, hostile);
  const banned = hostile && rand.chance(0.5);
  const checks = hostile ? [rand.pick(CHECKS), ...(rand.chance(0.4) ? [rand.pick(CHECKS)] : [])] : [];
  const proxied = rand.chance(0.4);
  const uri = rand.pick(CLEAN_PATHS);
  return {
    id,
    token: hostile && rand.chance(0.5) ? null : `tok_${rand.hex(24)}`,
    customerId: null,
    projectId,
    siteKey: 'sk_live_simulator',
    serverKey: 'srv_simulator',
    referer: rand.chance(0.5) ? 'https://shop.example.com/' : '',
    userAgent: who.userAgent,
    host: 'shop.example.com',
    requestMethod: uri === '/login' ? 'POST' : 'GET',
    requestUri: uri,
    remoteAddr: proxied ? '10.0.0.5' : who.ip,
    serverName: `edge-${rand.int(1, 4)}`,
    remoteUser: null,
    serverPort: 443,
    requestInfo: '',
    failedMessage: hostile ? 'Request declined' : '',
    failedChecks: checks.join(','),
    customFields: [],
    headers: JSON.stringify({ Host: 'shop.example.com', 'User-Agent': who.userAgent, 'Accept-Language': 'en-US,en;q=0.9' }),
    createdAt: new Date(Math.floor(timeMs)).toISOString(),
    realIp: proxied ? who.ip : '',
    country: who.country.code3,
    asn: `AS${who.asn}`,
    isProtected: rand.chance(0.9),
    isBanByRule: banned,
  };
}
