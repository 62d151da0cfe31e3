import type { RequestHandler } from 'msw';
import { botByeFake as simulatorBotBye, type BotByeFakeOptions, type FakeNode } from '../../src/testing/botbye.js';
import { toMswHandlers } from '../../src/testing/msw.js';

export type { BotByeFakeOptions, FakeNode, FakePage } from '../../src/testing/botbye.js';

/** The simulator's BotBye fake (src/testing/botbye.ts) as msw handlers. */
export interface BotByeFake {
  handlers: RequestHandler[];
  requests: Request[];
}

export function botByeFake(options: BotByeFakeOptions): BotByeFake {
  const fake = simulatorBotBye(options);
  return { handlers: toMswHandlers(fake.routes), requests: fake.requests };
}

const COUNTRIES = ['USA', 'DEU', 'FRA', 'GBR', 'NLD', 'BRA', 'IND', 'JPN', 'UKR', 'ZAF'];
const CHECKS = ['rate_limit', 'bad_user_agent', 'headless_browser', 'ip_reputation', 'token_missing'];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];
const PATHS = ['/', '/login', '/api/v1/auth/login', '/checkout?step=2', '/search?q=shoes'];

/**
 * A deterministic dataset of `count` request records, newest `newest` (epoch ms) and about 37 s apart, with
 * runs of records sharing one `createdAt` (so keyset paging has ties to get right) and a mix of dispositions.
 */
export function generateBotByeRecords(count: number, options: { newest?: number; projectId?: string; seed?: number } = {}): FakeNode[] {
  let state = options.seed ?? 42;
  const rand = () => {
    // mulberry32: small, fast, reproducible.
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const newest = options.newest ?? Date.parse('2026-11-20T12:00:00Z');
  const records: FakeNode[] = [];
  let time = newest;
  for (let i = 0; i < count; i++) {
    if (rand() > 0.3) time -= 1000 + Math.floor(rand() * 72_000);
    const banned = rand() < 0.15;
    const failed = banned || rand() < 0.2;
    const checks = failed ? [pick(CHECKS), ...(rand() < 0.4 ? [pick(CHECKS)] : [])] : [];
    const ip = `198.51.100.${1 + Math.floor(rand() * 250)}`;
    const proxied = rand() < 0.5;
    records.push({
      id: `req_${String(i).padStart(5, '0')}`,
      token: `tok_${i}`,
      customerId: null,
      projectId: options.projectId ?? 'proj-1',
      siteKey: 'sk_live_fake',
      serverKey: 'srv_fake',
      referer: rand() < 0.5 ? 'https://shop.example/' : '',
      userAgent: `Mozilla/5.0 (fake ${i % 7})`,
      host: 'shop.example',
      requestMethod: pick(METHODS),
      requestUri: pick(PATHS),
      remoteAddr: proxied ? '10.0.0.5' : ip,
      serverName: 'edge-1',
      remoteUser: null,
      serverPort: rand() < 0.9 ? 443 : 80,
      requestInfo: '',
      failedMessage: failed ? 'Request declined' : '',
      failedChecks: checks.join(','),
      customFields: [],
      headers: JSON.stringify({ Host: 'shop.example', 'User-Agent': `Mozilla/5.0 (fake ${i % 7})` }),
      createdAt: new Date(time).toISOString(),
      realIp: proxied ? ip : '',
      country: pick(COUNTRIES),
      asn: `AS${64500 + Math.floor(rand() * 10)}`,
      isProtected: rand() < 0.9,
      isBanByRule: banned,
    });
  }
  return records;
}
