import type { RequestHandler } from 'msw';
import type { GcoreRecord } from '../../src/providers/gcore/response.js';
import { gcoreFake as simulatorGcore, type GcoreFakeOptions } from '../../src/testing/gcore.js';
import { toMswHandlers } from '../../src/testing/msw.js';

export { GCORE_REQUESTS_PATH, type GcoreFakeOptions } from '../../src/testing/gcore.js';

/** The simulator's Gcore fake (src/testing/gcore.ts) as msw handlers, for `MswDispatcher` and `serveHandlers`. */
export interface GcoreFake {
  handlers: RequestHandler[];
  /** The dataset as the fake serves it: sorted by `request_time`, then `id`. */
  records: readonly GcoreRecord[];
  /** Every request the fake received, in arrival order. */
  requests: Request[];
}

export function gcoreFake(options: GcoreFakeOptions): GcoreFake {
  const fake = simulatorGcore(options);
  return { handlers: toMswHandlers(fake.routes), records: fake.records, requests: fake.requests };
}

const DECISIONS = ['blocked', 'monitored', 'allowed', 'passed'] as const;
const COUNTRIES = ['DE', 'US', 'MY', 'FR', 'BR'] as const;
const METHODS = ['GET', 'POST', 'HEAD'] as const;
const STATUSES = [200, 403, 404, 429, 302, 503, 499] as const;

export interface MakeGcoreRecordsOptions {
  /** Time of the first (oldest) record, epoch ms. */
  startMs: number;
  /** Milliseconds between consecutive instants. */
  stepMs: number;
  /** Consecutive records sharing one instant (default 1): 500 puts records 0..499 at startMs, 500..999 one step later. */
  sameMsEvery?: number;
}

/**
 * `n` valid, distinct records (unique ids), oldest first, with decisions, countries, methods, status codes and IPs
 * cycling at different periods so filters select varied subsets.
 */
export function makeGcoreRecords(n: number, options: MakeGcoreRecordsOptions): GcoreRecord[] {
  const every = Math.max(1, options.sameMsEvery ?? 1);
  const out: GcoreRecord[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const decision = DECISIONS[i % DECISIONS.length]!;
    const hex = i.toString(16).padStart(32, '0');
    out[i] = {
      id: `${hex}-${String(i % 1_000_000).padStart(6, '0')}`,
      request_time: options.startMs + Math.floor(i / every) * options.stepMs,
      client_ip: `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`,
      path: `/item/${i}`,
      method: METHODS[i % METHODS.length]!,
      rule_name: decision === 'blocked' ? 'SQL injection' : '',
      rule_id: decision === 'blocked' ? 'S1000' : '',
      country: COUNTRIES[i % COUNTRIES.length]!,
      action: decision === 'blocked' ? 'block' : '',
      domain: 'shop.example.com',
      domain_id: 1 + (i % 3),
      user_agent: 'Mozilla/5.0',
      user_agent_client: 'Chrome',
      organization: 'Example Org',
      reference_id: hex,
      status_code: STATUSES[i % STATUSES.length]!,
      result: decision === 'blocked' ? 'blocked' : 'passed',
      traffic_types: decision === 'blocked' ? 'injectionattack' : '',
      decision,
      optional_action: decision === 'blocked' && i % 8 === 0 ? 'captcha' : '',
      session_id: '',
      scheme: 'https',
      http_version: '1.1',
      ja3: 'e7d705a3286e19ea42f587b344ee6865',
    };
  }
  return out;
}
