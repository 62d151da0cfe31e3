import type { Source } from '../providers/registry.js';
import type { GcoreRecord } from '../providers/gcore/response.js';
import { botByeFake, botByeError, type FakeNode } from './botbye.js';
import { botByeRequest, gcoreRecord, transactCdnRateLimitingEvent, transactCdnWafEvent } from './data.js';
import { resetResponse, truncated } from './faults.js';
import { gcoreError, gcoreFake } from './gcore.js';
import { delay, routeRequests, type RequestHandlerFn, type Route } from './http.js';
import { createRandom, type Random } from './random.js';
import { serveHandler } from './server.js';
import { transactCdnError, transactCdnFake, type FakeEvent } from './transactcdn.js';

/** A fault the simulator can inject: a 429 with `Retry-After`, a 503, a connection reset, a body cut in half. */
export type SimulatedFault = 'rate-limit' | 'server-error' | 'reset' | 'truncate';

export interface SimulatorFaults {
  /** Share of requests (0..1) that get a fault, drawn from the seed. Default 0. */
  rate?: number;
  /** Which faults `rate` draws from. Default all four. */
  kinds?: readonly SimulatedFault[];
  /** A fault for given request numbers (1-based, counted over every endpoint), on top of `rate`. */
  schedule?: Readonly<Record<number, SimulatedFault>>;
  /** `Retry-After` of a 429, in seconds. Default 1. */
  retryAfterSeconds?: number;
}

export interface SimulatorOptions {
  /** Port on 127.0.0.1 for `startSimulator`; 0 (default) picks a free one. */
  port?: number;
  /** Same seed, same data, same faults, same credentials. Default 1. */
  seed?: number;
  /** Records generated per source, spread over `spanMs` before the clock's time at start. Default 1000 each. */
  records?: number | Partial<Record<Source, number>>;
  /** How far back the generated records reach, in ms. Default 24 h (TransactCDN keeps 30 days at most). */
  spanMs?: number;
  /** Waited before every answer, in ms. */
  latencyMs?: number;
  faults?: SimulatorFaults;
  /** New records keep arriving: one per source every this many ms of the clock after start (0 or absent: none). */
  arrivalEveryMs?: number | Partial<Record<Source, number>>;
  /** The simulator's clock in epoch ms (arrivals, default windows, TransactCDN's 30-day rule). Default `Date.now`. */
  clock?: () => number;
}

/** Options that fit each client factory as they are: `createGcoreClient(sim.credentials.gcore)`. */
export interface SimulatorCredentials {
  gcore: { apiKey: string; baseUrl: string };
  transactcdn: { token: string; accountNumber: string; baseUrl: string };
  botbye: { apiKey: string; accountId: string; baseUrl: string };
}

/** The datasets as served right now (arrivals included). Gcore oldest first, the others newest first. */
export interface SimulatorData {
  'gcore.waap': readonly GcoreRecord[];
  'transactcdn.waf': readonly FakeEvent[];
  'transactcdn.rate_limiting': readonly FakeEvent[];
  'botbye.requests': readonly FakeNode[];
}

/** The simulator without a server: its routes and one Fetch handler, for in-process use (msw, a test bridge). */
export interface Simulator {
  readonly routes: readonly Route[];
  readonly handle: RequestHandlerFn;
  /** Credentials for clients pointed at `baseUrl` (any origin: the routes match paths). */
  credentials(baseUrl: string): SimulatorCredentials;
  /** The BotBye project the data belongs to (`requests({ projectId })`). */
  readonly botbyeProjectId: string;
  /** Every request received, in arrival order. */
  readonly requests: readonly Request[];
  /** How many faults of each kind were injected so far. */
  readonly faultsInjected: Readonly<Record<SimulatedFault, number>>;
  /** The data as served now, after the arrivals due at the clock's current time. */
  data(): SimulatorData;
}

/** A simulator listening on 127.0.0.1. */
export interface RunningSimulator extends Omit<Simulator, 'credentials'> {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly credentials: SimulatorCredentials;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

const SOURCES = ['gcore.waap', 'transactcdn.waf', 'transactcdn.rate_limiting', 'botbye.requests'] as const satisfies readonly Source[];
const FAULTS: readonly SimulatedFault[] = ['rate-limit', 'server-error', 'reset', 'truncate'];
type Generate = (rand: Random, timeMs: number, index: number) => unknown;

/**
 * Starts the provider simulator on 127.0.0.1: Gcore WAAP requests, TransactCDN WAF and rate-limiting event logs
 * (and single WAF entries), BotBye requests, over deterministic data, with the APIs' own validation and errors.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const simulator = createSimulator(options);
  const server = await serveHandler(simulator.handle, options.port ?? 0);
  return {
    url: server.url,
    credentials: simulator.credentials(server.url),
    routes: simulator.routes,
    handle: simulator.handle,
    botbyeProjectId: simulator.botbyeProjectId,
    requests: simulator.requests,
    faultsInjected: simulator.faultsInjected,
    data: () => simulator.data(),
    close: server.close,
  };
}

/** The simulator as Fetch handlers, without a server (see `startSimulator` for what it simulates). */
export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const seed = options.seed ?? 1;
  const clock = options.clock ?? Date.now;
  const startedAt = clock();
  const secret = createRandom(seed ^ 0x5eed);
  const keys = { gcore: `sim-gcore-${secret.hex(24)}`, transactcdn: `sim-tcdn-${secret.hex(24)}`, botbye: `sim-botbye-${secret.hex(24)}` };
  const accountNumber = `SIM${String(seed >>> 0).padStart(4, '0').slice(-8)}`;
  const accountId = 'acc_simulator';
  const projectId = 'proj_simulator';

  const generators: Record<(typeof SOURCES)[number], Generate> = {
    'gcore.waap': (rand, t) => gcoreRecord(rand, t),
    'transactcdn.waf': (rand, t) => transactCdnWafEvent(rand, t),
    'transactcdn.rate_limiting': (rand, t) => transactCdnRateLimitingEvent(rand, t),
    'botbye.requests': (rand, t, i) => botByeRequest(rand, t, `req_${seed}_${String(i).padStart(7, '0')}`, projectId),
  };
  const history = (source: (typeof SOURCES)[number], salt: number) =>
    generateHistory(createRandom(seed * 31 + salt), perSource(options.records, source, 1000), options.spanMs ?? 86_400_000, startedAt, generators[source]);

  const gcore = gcoreFake({ apiKey: keys.gcore, records: history('gcore.waap', 1) as GcoreRecord[], now: clock });
  const transactcdn = transactCdnFake({
    token: keys.transactcdn,
    accountNumber,
    waf: history('transactcdn.waf', 2) as FakeEvent[],
    rateLimiting: history('transactcdn.rate_limiting', 3) as FakeEvent[],
    now: clock,
  });
  const botbye = botByeFake({ apiKey: keys.botbye, accountId, projectId, records: history('botbye.requests', 4) as FakeNode[] });

  const arrivals = SOURCES.map((source, i) => ({
    source,
    everyMs: perSource(options.arrivalEveryMs, source, 0),
    rand: createRandom(seed * 31 + 100 + i),
    delivered: 0,
    base: perSource(options.records, source, 1000),
  }));
  const deliver: Record<(typeof SOURCES)[number], (items: unknown[]) => void> = {
    'gcore.waap': (items) => gcore.add(items as GcoreRecord[]),
    'transactcdn.waf': (items) => transactcdn.add({ waf: items as FakeEvent[] }),
    'transactcdn.rate_limiting': (items) => transactcdn.add({ rateLimiting: items as FakeEvent[] }),
    'botbye.requests': (items) => botbye.add(items as FakeNode[]),
  };
  /** Adds the arrivals due by the clock's time; generated in order, so the data never depends on when it is asked. */
  const sync = () => {
    const now = clock();
    for (const arrival of arrivals) {
      if (arrival.everyMs <= 0) continue;
      const due = Math.floor((now - startedAt) / arrival.everyMs);
      const items: unknown[] = [];
      for (; arrival.delivered < due; arrival.delivered++) {
        const time = startedAt + (arrival.delivered + 1) * arrival.everyMs;
        items.push(generators[arrival.source](arrival.rand, time, arrival.base + arrival.delivered));
      }
      if (items.length) deliver[arrival.source](items);
    }
  };

  const requests: Request[] = [];
  const faults = faultPlan(seed, options.faults);
  const faultsInjected: Record<SimulatedFault, number> = { 'rate-limit': 0, 'server-error': 0, reset: 0, truncate: 0 };
  const gate = (route: Route, errorOf: (status: number, message: string) => Response): Route => ({
    ...route,
    handle: async (request) => {
      requests.push(request);
      sync();
      if (options.latencyMs) await delay(options.latencyMs);
      const fault = faults(requests.length);
      if (fault) faultsInjected[fault]++;
      if (fault === 'reset') return resetResponse();
      if (fault === 'rate-limit') return withHeader(errorOf(429, 'Too Many Requests'), 'retry-after', String(options.faults?.retryAfterSeconds ?? 1));
      if (fault === 'server-error') return errorOf(503, 'Service Unavailable');
      const response = await route.handle(request);
      return fault === 'truncate' ? truncated(response) : response;
    },
  });
  const routes = [
    ...gcore.routes.map((r) => gate(r, (status, message) => gcoreError(status, message, message))),
    ...transactcdn.routes.map((r) => gate(r, transactCdnError)),
    ...botbye.routes.map((r) => gate(r, botByeError)),
  ];

  return {
    routes,
    handle: routeRequests(routes),
    credentials: (baseUrl) => ({
      gcore: { apiKey: keys.gcore, baseUrl },
      transactcdn: { token: keys.transactcdn, accountNumber, baseUrl },
      botbye: { apiKey: keys.botbye, accountId, baseUrl },
    }),
    botbyeProjectId: projectId,
    requests,
    faultsInjected,
    data: () => {
      sync();
      return {
        'gcore.waap': gcore.records,
        'transactcdn.waf': transactcdn.waf,
        'transactcdn.rate_limiting': transactcdn.rateLimiting,
        'botbye.requests': botbye.records,
      };
    },
  };
}

function perSource(value: number | Partial<Record<Source, number>> | undefined, source: Source, fallback: number): number {
  const n = typeof value === 'number' ? value : (value?.[source] ?? fallback);
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`simulator: ${source} needs a count or interval >= 0, got ${n}`);
  return n;
}

/** `count` records at random times in (`endMs` − `spanMs`, `endMs`], generated oldest first. */
function generateHistory(rand: Random, count: number, spanMs: number, endMs: number, generate: Generate): unknown[] {
  const times = Array.from({ length: count }, () => endMs - rand.next() * spanMs).sort((a, b) => a - b);
  return times.map((t, i) => generate(rand, t, i));
}

/** Which fault (if any) request number `n` gets: the schedule first, then a seeded draw at `rate`. */
function faultPlan(seed: number, options: SimulatorFaults = {}): (n: number) => SimulatedFault | undefined {
  const rate = options.rate ?? 0;
  if (rate < 0 || rate > 1) throw new RangeError(`simulator: faults.rate must be 0..1, got ${rate}`);
  const kinds = options.kinds?.length ? options.kinds : FAULTS;
  const rand = createRandom(seed ^ 0xfa17);
  return (n) => {
    // Draw for every request, so request n's fault does not depend on the schedule of the others.
    const drawn = rand.next() < rate ? kinds[Math.floor(rand.next() * kinds.length)] : undefined;
    return options.schedule?.[n] ?? drawn;
  };
}

function withHeader(response: Response, name: string, value: string): Response {
  response.headers.set(name, value);
  return response;
}
