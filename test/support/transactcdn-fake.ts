import type { RequestHandler } from 'msw';
import { toMswHandlers } from '../../src/testing/msw.js';
import { transactCdnFake as simulatorTransactCdn, type FakeEvent, type TransactCdnFakeOptions } from '../../src/testing/transactcdn.js';

export type { FakeEvent, TransactCdnFakeOptions } from '../../src/testing/transactcdn.js';

/** The simulator's TransactCDN fake (src/testing/transactcdn.ts) as msw handlers. */
export interface TransactCdnFake {
  handlers: RequestHandler[];
  /** Every request the fake received, in arrival order. */
  requests: Request[];
  /** The fake's answers, as served (newest first). */
  waf: readonly FakeEvent[];
  rateLimiting: readonly FakeEvent[];
}

export function transactCdnFake(options: TransactCdnFakeOptions): TransactCdnFake {
  const fake = simulatorTransactCdn(options);
  return { handlers: toMswHandlers(fake.routes), requests: fake.requests, waf: fake.waf, rateLimiting: fake.rateLimiting };
}

const ACTIONS = ['BLOCK_REQUEST', 'ALERT', 'CUSTOM_RESPONSE', 'REDIRECT_302'] as const;
const HOSTS = ['www.example.com', 'secure.example.com'] as const;
const COUNTRIES = ['US', 'DE', 'FR'] as const;
const ENFORCEMENTS = ['DROP_REQUEST', 'ALERT', 'REDIRECT_302', 'CUSTOM_RESPONSE'] as const;

export interface MakeEventsOptions {
  /** Epoch ms of the oldest event. */
  startMs: number;
  /** Milliseconds between consecutive events (may be fractional: the fake keeps microseconds). */
  stepMs: number;
}

/** `n` distinct WAF events, oldest first, with hosts, countries and actions cycling so filters select subsets. */
export function makeWafEvents(n: number, options: MakeEventsOptions): FakeEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const us = Math.round((options.startMs + i * options.stepMs) * 1000);
    return {
      'Epoch Time': us / 1_000_000,
      'Event ID': String(10n ** 37n + BigInt(i)),
      id: `hash-${i}`,
      'Client IP': `10.0.${(i >> 8) & 255}.${i & 255}`,
      'Country Code': COUNTRIES[i % COUNTRIES.length]!,
      Host: HOSTS[i % HOSTS.length]!,
      URL: `http://${HOSTS[i % HOSTS.length]!}/page/${i}`,
      'Action Type': ACTIONS[i % ACTIONS.length]!,
      'Profile Type': i % 5 === 4 ? 'AUDIT' : 'PRODUCTION',
      'Profile Name': i % 3 === 1 ? 'My Profile' : 'Other Profile',
      Timestamp: `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 19)}:${String(us % 1_000_000).padStart(6, '0')}Z`,
      'Sub Events': [{ 'Rule ID': 981000 + (i % 7), 'Rule Message': `rule ${i % 7}`, 'Matched On': 'ARGS:a' }],
    };
  });
}

/** `n` distinct rate-limiting events, oldest first. */
export function makeRateLimitingEvents(n: number, options: MakeEventsOptions): FakeEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const us = Math.round((options.startMs + i * options.stepMs) * 1000);
    return {
      'Epoch Time': us / 1_000_000,
      id: `rl-${i}`,
      'Client IP': `192.0.2.${i & 255}`,
      Host: HOSTS[i % HOSTS.length]!,
      'Rate Limiting Enforcement Type': ENFORCEMENTS[i % ENFORCEMENTS.length]!,
      Status: 'HTTP_STATUS_SERVICE_NOT_AVAILABLE',
      'Request Method': 'HTTP_METHOD_GET',
      Referer: 'XXXNAXXX@fields.REFERER',
    };
  });
}
