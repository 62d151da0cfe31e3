/**
 * The cost of the exactness machinery of issue 8 when nothing moves: one-record page overlaps (Gcore), page-head
 * and page-count checks (TransactCDN), the frontier and the id checks on every record. Drains the built SDK
 * (default concurrency) over the bench server and prints, per scenario, the requests sent against the pages a read
 * needs (the previous build sent exactly those) and the median time against the previous build's README figures.
 *
 *   node test/bench/repair.mjs [--quick] [--rounds 5]      (npm run build first; run.mjs runs it too)
 *   node test/bench/repair.mjs --baseline /path/to/old/checkout   also drains that build's dist/, alternately
 *   node test/bench/repair.mjs --only transactcdn                 only the scenarios whose id starts so
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startBenchServer } from './server-process.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const KEY = 'bench-key';

/** SDK default medians of the previous build, from the README's Performance table (ms). */
const PREVIOUS_MS = { 'gcore-0': 308, 'gcore-25': 1457, 'transactcdn-0': 859, 'transactcdn-25': 1009 };

const ALL_SCENARIOS = [
  { id: 'gcore-0', provider: 'gcore', total: 20_000, latency: 0, limit: 100 },
  { id: 'gcore-25', provider: 'gcore', total: 20_000, latency: 25, limit: 100 },
  { id: 'transactcdn-0', provider: 'transactcdn', total: 50_000, latency: 0, limit: 1000 },
  { id: 'transactcdn-25', provider: 'transactcdn', total: 50_000, latency: 25, limit: 1000 },
];
const MAIN = Boolean(process.argv[1]) && fileURLToPath(import.meta.url) === process.argv[1];
/**
 * `--only transactcdn` (or `WAFSTREAM_BENCH_ONLY`) keeps the scenarios whose id starts with it. Read only when run
 * alone: under run.mjs, `--only repair` names this whole bench, not a prefix of its scenarios.
 */
const ONLY = (() => {
  const at = MAIN ? process.argv.indexOf('--only') : -1;
  return at >= 0 ? process.argv[at + 1] : process.env.WAFSTREAM_BENCH_ONLY;
})();
const SCENARIOS = ONLY ? ALL_SCENARIOS.filter((s) => s.id.startsWith(ONLY)) : ALL_SCENARIOS;


async function drain(sdk, server, scenario) {
  let client;
  let stream;
  if (scenario.provider === 'gcore') {
    client = sdk.createGcoreClient({ apiKey: KEY, baseUrl: server.base });
    stream = client.requests({ start: new Date(server.gcore.startMs), end: new Date(server.gcore.endMs), limit: scenario.limit });
  } else {
    client = sdk.createTransactCdnClient({ token: KEY, accountNumber: server.account, baseUrl: server.base });
    stream = client.wafEvents({ start: new Date(server.transactcdn.startMs), end: new Date(server.transactcdn.endMs), pageSize: scenario.limit });
  }
  const t0 = performance.now();
  let count = 0;
  try {
    for await (const _event of stream) count++;
  } finally {
    await client.close();
  }
  return { ms: performance.now() - t0, count, stats: typeof stream.stats === 'function' ? stream.stats() : undefined };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Runs the repair-cost scenarios; `log` prints (stderr under run.mjs --json). Returns the figures. */
export async function repairBench({ quick = false, rounds = quick ? 2 : 5, log = console.log, baseline } = {}) {
  const sdk = await import(pathToFileURL(`${ROOT}dist/index.js`).href);
  const old = baseline ? await import(pathToFileURL(`${baseline.replace(/\/$/, '')}/dist/index.js`).href) : undefined;
  const out = [];
  log(`\nrepair machinery when nothing moves (SDK default; before = ${old ? `${baseline}, measured alternately` : "the README figures of the build before issue 8"})`);
  for (const scenario of SCENARIOS) {
    const total = quick ? Math.floor(scenario.total / 4) : scenario.total;
    const server = await startBenchServer({ ...scenario, total });
    try {
      await drain(sdk, server, scenario); // warm the server's page cache and the JIT
      if (old) await drain(old, server, scenario);
      const runs = [];
      const oldRuns = [];
      for (let i = 0; i < rounds; i++) {
        // Alternate, so the noise of a shared machine falls on both builds alike.
        if (old && i % 2) oldRuns.push(await drain(old, server, scenario));
        runs.push(await drain(sdk, server, scenario));
        if (old && !(i % 2)) oldRuns.push(await drain(old, server, scenario));
      }
      const bad = runs.find((r) => r.count !== total || r.stats.repairs !== 0);
      if (bad) throw new Error(`${scenario.id}: delivered ${bad.count} of ${total}, ${bad.stats.repairs} repairs, though nothing moved`);
      const needed = Math.ceil(total / scenario.limit);
      const requests = runs[0].stats.requests;
      const ms = median(runs.map((r) => r.ms));
      const previous = old ? Math.round(median(oldRuns.map((r) => r.ms))) : quick ? undefined : PREVIOUS_MS[scenario.id];
      const row = {
        id: scenario.id,
        requests,
        needed,
        extraRequestsPct: Math.round(((requests - needed) / needed) * 1000) / 10,
        medianMs: Math.round(ms),
        previousMs: previous,
        timeVsPreviousPct: previous ? Math.round(((ms - previous) / previous) * 1000) / 10 : undefined,
      };
      out.push(row);
      log(
        `  ${scenario.id.padEnd(15)} requests ${String(requests).padStart(4)} vs ${String(needed).padStart(4)} needed (+${row.extraRequestsPct}%)` +
          `   median ${String(row.medianMs).padStart(5)} ms${previous ? ` vs ${previous} ms before (${row.timeVsPreviousPct >= 0 ? '+' : ''}${row.timeVsPreviousPct}%)` : ''}`,
      );
    } finally {
      server.stop();
    }
  }
  return out;
}

/**
 * What the case-3 check costs where it shows: a read whose window fits in one short page (a follow poll over a
 * busy source) cannot tell "complete" from "the server capped the page" without one more request, unless a full
 * page at that size was seen. Reads `windows` consecutive one-minute TransactCDN windows (about 833 records each,
 * page 1000) at 25 ms per request, and prints requests per read and the median time of the whole series.
 */
export async function shortWindowBench({ rounds = 5, log = console.log, baseline, windows = 20, latency = 25 } = {}) {
  const sdk = await import(pathToFileURL(`${ROOT}dist/index.js`).href);
  const old = baseline ? await import(pathToFileURL(`${baseline.replace(/\/$/, '')}/dist/index.js`).href) : undefined;
  const server = await startBenchServer({ total: 50_000, latency });
  const series = async (build) => {
    const client = build.createTransactCdnClient({ token: KEY, accountNumber: server.account, baseUrl: server.base });
    // Counted by the server (the build before issue 8 has no stream.stats()).
    const served = async () => (await (await fetch(`${server.base}/__stats`)).json()).requests;
    const before = await served();
    const t0 = performance.now();
    let count = 0;
    try {
      for (let i = 0; i < windows; i++) {
        const start = server.transactcdn.startMs + i * 60_000;
        const stream = client.wafEvents({ start: new Date(start), end: new Date(start + 60_000), pageSize: 1000 });
        for await (const _event of stream) count++;
      }
    } finally {
      await client.close();
    }
    const ms = performance.now() - t0;
    return { ms, requests: (await served()) - before, count };
  };
  try {
    await series(sdk);
    if (old) await series(old);
    const runs = [];
    const oldRuns = [];
    for (let i = 0; i < rounds; i++) {
      if (old && i % 2) oldRuns.push(await series(old));
      runs.push(await series(sdk));
      if (old && !(i % 2)) oldRuns.push(await series(old));
    }
    const row = {
      id: `transactcdn-short-${latency}`,
      windows,
      requestsPerRead: runs[0].requests / windows,
      previousRequestsPerRead: old ? oldRuns[0].requests / windows : undefined,
      medianMs: Math.round(median(runs.map((r) => r.ms))),
      previousMs: old ? Math.round(median(oldRuns.map((r) => r.ms))) : undefined,
    };
    log(
      `  ${`short reads @${latency}`.padEnd(15)} ${windows} one-minute windows (~${Math.round(runs[0].count / windows)} events, page 1000): ${row.requestsPerRead} requests per read` +
        `${old ? ` vs ${row.previousRequestsPerRead} before` : ''}, median ${row.medianMs} ms${old ? ` vs ${row.previousMs} ms before` : ''}`,
    );
    return row;
  } finally {
    server.stop();
  }
}

if (MAIN) {
  const argv = process.argv.slice(2);
  const roundsAt = argv.indexOf('--rounds');
  const quick = argv.includes('--quick');
  const baselineAt = argv.indexOf('--baseline');
  const options = { quick, rounds: roundsAt >= 0 ? Number(argv[roundsAt + 1]) : quick ? 2 : 5, baseline: baselineAt >= 0 ? argv[baselineAt + 1] : undefined };
  await repairBench(options);
  if (!ONLY || 'transactcdn'.startsWith(ONLY) || ONLY.startsWith('transactcdn')) await shortWindowBench(options);
}
