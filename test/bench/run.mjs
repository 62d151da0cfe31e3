/**
 * wafstream benchmark: the built SDK (dist/) against a sequential undici + JSON.parse floor, over a fake provider
 * (test/bench/server.mjs) running in a child process on 127.0.0.1.
 *
 *   npm run bench                       full run (5 rounds), a table
 *   npm run bench -- --json             the same figures as one JSON object on the last line
 *   npm run bench -- --quick            2 rounds, smaller sets (about a minute)
 *   npm run bench -- --rounds 7 --only gcore-25,memory
 *   npm run bench -- --only scale --scale-big   BullMQ worker processes (test/bench/scale.mjs), plus the 300 000 run
 *   node --cpu-prof test/bench/run.mjs --only gcore-0 --contender sdk-c1 --rounds 1   profile one SDK run
 *
 * Contenders run alternately (the order rotates every round) and the table shows medians; gcore-0 (short runs)
 * gets twice the rounds and botbye-25 (about 20 s a round) at most 3, unless --rounds is given. Every run builds its
 * own client (or undici Agent) and closes it, so connection setup is paid by all alike. Targets are printed
 * beside the figures, not asserted; the process fails only when a run delivers the wrong number of events.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Agent, request } from 'undici';
import { startBenchServer } from './server-process.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const KEY = 'bench-key';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const args = parseArgs(process.argv.slice(2));


// ---- the SDK -------------------------------------------------------------------------------------------------

/** The built package, as a consumer gets it (`npm run bench` builds it first). */
async function loadSdk() {
  const sdk = await import(pathToFileURL(`${ROOT}dist/index.js`).href);
  for (const name of ['createGcoreClient', 'createTransactCdnClient', 'createBotByeClient']) {
    if (typeof sdk[name] !== 'function') throw new Error(`dist/index.js does not export ${name}; run npm run build`);
  }
  return sdk;
}

// ---- the fake provider ----------------------------------------------------------------------------------------


// ---- contenders ------------------------------------------------------------------------------------------------

const iso = (ms) => new Date(ms).toISOString();
const apiTime = (ms) => new Date(ms).toISOString().slice(0, 19);

/** The cache-filling pass asks the server to skip its injected latency. */
const warmHeader = (server) => (server.warm ? { 'x-bench-no-latency': '1' } : {});

/** A 10 ms consumer per page of 100, for the BotBye scenario (undefined elsewhere). */
const pageWork = (scenario) => (scenario.consumerMs ? () => sleep(scenario.consumerMs) : undefined);

/** Sequential undici.request + JSON.parse over the same pages the SDK reads: the floor. */
const floors = {
  async gcore(server, scenario) {
    const agent = new Agent({ keepAliveTimeout: 10_000 });
    const { startMs, endMs } = server.gcore;
    const prefix = `${server.base}/waap/v1/analytics/requests?ordering=-request_time&start=${iso(startMs)}&end=${iso(endMs)}`;
    let count = 0;
    try {
      for (let offset = 0; ; ) {
        const res = await request(`${prefix}&offset=${offset}&limit=${scenario.limit}`, { dispatcher: agent, headers: { authorization: `APIKey ${KEY}`, ...warmHeader(server) } });
        const page = JSON.parse(await res.body.text());
        count += page.results.length;
        offset += page.results.length;
        if (!page.results.length || offset >= page.count) return count;
      }
    } finally {
      await agent.close();
    }
  },
  async transactcdn(server, scenario) {
    const agent = new Agent({ keepAliveTimeout: 10_000 });
    const { startMs, endMs } = server.transactcdn;
    const prefix = `${server.base}/v2/mcc/customers/${server.account}/waf/eventlogs?start_time=${apiTime(startMs)}&end_time=${apiTime(endMs)}`;
    let count = 0;
    try {
      for (let number = 1; ; number++) {
        const res = await request(`${prefix}&page=${number}&page_size=${scenario.limit}`, { dispatcher: agent, headers: { authorization: `TOK:${KEY}`, ...warmHeader(server) } });
        const page = JSON.parse(await res.body.text());
        count += page.events.length;
        if (!page.events.length || number >= page.page_of) return count;
      }
    } finally {
      await agent.close();
    }
  },
  async botbye(server, scenario) {
    const agent = new Agent({ keepAliveTimeout: 10_000 });
    const { accountId, projectId } = server.botbye;
    const prefix = `${server.base}/api/v1/${accountId}/projects/${projectId}/requests?limit=${scenario.limit}&cursor=`;
    const work = pageWork(scenario);
    let count = 0;
    try {
      for (let after = null; ; ) {
        const cursor = encodeURIComponent(JSON.stringify(after === null ? { first: scenario.limit } : { first: scenario.limit, after }));
        const res = await request(prefix + cursor, { dispatcher: agent, headers: { authorization: `Bearer ${KEY}`, ...warmHeader(server) } });
        const page = JSON.parse(await res.body.text());
        count += page.edges.length;
        if (work && !server.warm) await work();
        if (!page.pageInfo.hasNextPage) return count;
        after = page.pageInfo.endCursor;
      }
    } finally {
      await agent.close();
    }
  },
};

/** The SDK's stream for a scenario, from a fresh client. */
function openStream(sdk, server, scenario, concurrency) {
  const common = { baseUrl: server.base, ...(concurrency ? { concurrency } : {}) };
  if (scenario.provider === 'gcore') {
    const client = sdk.createGcoreClient({ apiKey: KEY, ...common });
    return { client, stream: client.requests({ start: new Date(server.gcore.startMs), end: new Date(server.gcore.endMs), limit: scenario.limit }) };
  }
  if (scenario.provider === 'transactcdn') {
    const client = sdk.createTransactCdnClient({ token: KEY, accountNumber: server.account, ...common });
    return { client, stream: client.wafEvents({ start: new Date(server.transactcdn.startMs), end: new Date(server.transactcdn.endMs), pageSize: scenario.limit }) };
  }
  const client = sdk.createBotByeClient({ apiKey: KEY, accountId: server.botbye.accountId, ...common });
  return { client, stream: client.requests({ projectId: server.botbye.projectId, limit: scenario.limit }) };
}

/** Drains the SDK stream event by event, as a consumer would, with the scenario's per-page work. */
async function drainSdk(sdk, server, scenario, concurrency) {
  const { client, stream } = openStream(sdk, server, scenario, concurrency);
  const work = pageWork(scenario);
  let count = 0;
  try {
    for await (const event of stream) {
      if (event === undefined) throw new Error('the stream yielded undefined');
      count++;
      if (work && count % scenario.limit === 0) await work();
    }
    // The last, short page gets its work too, as the floor's does.
    if (work && count % scenario.limit !== 0) await work();
  } finally {
    await client.close();
  }
  return count;
}

function contendersFor(sdk) {
  return [
    { id: 'floor', label: 'floor (undici+JSON.parse, sequential)', run: (server, scenario) => floors[scenario.provider](server, scenario) },
    { id: 'sdk-c1', label: 'SDK concurrency: 1', run: (server, scenario) => drainSdk(sdk, server, scenario, 1) },
    { id: 'sdk-default', label: 'SDK default (concurrency 4)', run: (server, scenario) => drainSdk(sdk, server, scenario, undefined) },
  ];
}

// ---- scenarios -----------------------------------------------------------------------------------------------

function scenarios(quick) {
  const n = (full, small) => (quick ? small : full);
  return [
    // Runs of a few hundred ms are the noisiest on a small VM; they are cheap, so twice the rounds.
    { id: 'gcore-0', provider: 'gcore', total: n(20_000, 10_000), latency: 0, limit: 100, roundsFactor: 2 },
    { id: 'gcore-25', provider: 'gcore', total: n(20_000, 4_000), latency: 25, limit: 100 },
    { id: 'transactcdn-0', provider: 'transactcdn', total: n(50_000, 20_000), latency: 0, limit: 1000 },
    { id: 'transactcdn-25', provider: 'transactcdn', total: n(50_000, 20_000), latency: 25, limit: 1000 },
    // About 20 s a round at full size: 3 rounds unless --rounds says otherwise (latency-bound, so steady).
    { id: 'botbye-25', provider: 'botbye', total: n(20_000, 4_000), latency: 25, limit: 100, consumerMs: 10, maxRounds: 3 },
  ].map((s) => ({ ...s, title: `${s.provider} ${s.total.toLocaleString('en-US')} events @ ${s.latency} ms${s.consumerMs ? `, ${s.consumerMs} ms/page consumer` : ''} (page ${s.limit})` }));
}

async function runScenario(sdk, scenario, rounds, only) {
  const server = await startBenchServer(scenario);
  const contenders = contendersFor(sdk).filter((c) => !only || only.includes(c.id));
  const timed = async (contender) => {
    gc();
    const t0 = performance.now();
    const count = await contender.run(server, scenario);
    const ms = performance.now() - t0;
    if (count !== scenario.total) {
      throw new Error(`${scenario.id} / ${contender.id}: delivered ${count} events, expected ${scenario.total}`);
    }
    return ms;
  };
  try {
    // Untimed: fill the server's page cache (latency off for this pass), and at 0 ms also one pass of each
    // contender to warm the JIT alike; latency-bound scenarios run after those, on warm code.
    await floors[scenario.provider]({ ...server, warm: true }, scenario);
    if (!scenario.latency) for (const contender of contenders) await timed(contender);
    const before = await server.stats();
    const runs = new Map(contenders.map((c) => [c.id, []]));
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < contenders.length; k++) {
        const contender = contenders[(round + k) % contenders.length];
        runs.get(contender.id).push(await timed(contender));
      }
    }
    const after = await server.stats();
    const floorRuns = runs.get('floor');
    return {
      id: scenario.id,
      title: scenario.title,
      provider: scenario.provider,
      total: scenario.total,
      latencyMs: scenario.latency,
      rounds,
      consumerMsPerPage: scenario.consumerMs ?? 0,
      server: { requests: after.requests - before.requests, cpuMs: after.cpuMs - before.cpuMs },
      contenders: contenders.map((c) => {
        const ms = median(runs.get(c.id));
        return {
          id: c.id,
          label: c.label,
          medianWallMs: round1(ms),
          eventsPerSec: Math.round(scenario.total / (ms / 1000)),
          vsFloor: floorRuns ? pairedRatio(floorRuns, runs.get(c.id)) : null,
          runsMs: runs.get(c.id).map(round1),
        };
      }),
    };
  } finally {
    server.stop();
  }
}

// ---- memory ------------------------------------------------------------------------------------------------------

/** In a fresh process: drain `total` Gcore events with the default client and report the peak RSS. */
async function memoryChild({ base, startMs, endMs, total }) {
  const sdk = await loadSdk();
  gc();
  const baseline = process.resourceUsage().maxRSS;
  const client = sdk.createGcoreClient({ apiKey: KEY, baseUrl: base });
  const t0 = performance.now();
  let count = 0;
  for await (const event of client.requests({ start: new Date(startMs), end: new Date(endMs), limit: 100 })) if (event) count++;
  const wallMs = performance.now() - t0;
  await client.close();
  const peak = process.resourceUsage().maxRSS;
  process.stdout.write(`${JSON.stringify({ count, wallMs, peakRssMB: peak / 1024, baselineRssMB: baseline / 1024 })}\n`);
}

async function memoryRun(total) {
  const server = await startBenchServer({ total, latency: 0 });
  try {
    const config = JSON.stringify({ base: server.base, startMs: server.gcore.startMs, endMs: server.gcore.endMs, total });
    const child = spawn(process.execPath, [SELF, '--memory-child', config], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    if (code !== 0) throw new Error(`memory run of ${total} events exited with code ${code}`);
    const result = JSON.parse(out.trim().split('\n').pop());
    if (result.count !== total) throw new Error(`memory run: delivered ${result.count} events, expected ${total}`);
    return { total, peakRssMB: round1(result.peakRssMB), baselineRssMB: round1(result.baselineRssMB), wallMs: round1(result.wallMs), eventsPerSec: Math.round(total / (result.wallMs / 1000)) };
  } finally {
    server.stop();
  }
}

// ---- targets and report ----------------------------------------------------------------------------------------

function targets(results, memory, scale) {
  const pick = (scenario, contender) => results.find((r) => r.id === scenario)?.contenders.find((c) => c.id === contender);
  const ratio = (a, b) => (a && b ? pairedRatio(a.runsMs, b.runsMs) : null);
  const list = [
    { name: 'Gcore @25 ms: SDK default vs floor, wall time', want: '>= 3.5x', measured: pick('gcore-25', 'sdk-default')?.vsFloor, ok: (v) => v >= 3.5 },
    { name: 'TransactCDN @25 ms: SDK default vs floor, wall time', want: '>= 3x', measured: pick('transactcdn-25', 'sdk-default')?.vsFloor, ok: (v) => v >= 3 },
    { name: 'Gcore @0 ms: SDK concurrency 1 vs floor, events/s', want: '>= 0.75x', measured: pick('gcore-0', 'sdk-c1')?.vsFloor, ok: (v) => v >= 0.75 },
    { name: 'TransactCDN @0 ms: SDK concurrency 1 vs floor, events/s', want: '>= 0.75x', measured: pick('transactcdn-0', 'sdk-c1')?.vsFloor, ok: (v) => v >= 0.75 },
    {
      name: 'BotBye @25 ms + 10 ms/page: prefetch (default) vs none (c=1)',
      want: '>= 1.5x',
      measured: ratio(pick('botbye-25', 'sdk-c1'), pick('botbye-25', 'sdk-default')),
      ok: (v) => v >= 1.5,
      // Cursor pages come one after another: lookahead can hide the consumer, never the latency.
      note: botbyeBound(results),
    },
    { name: `Gcore drain ${fmtInt(memory?.large?.total)}: peak RSS`, want: '< 200 MB', measured: memory?.large?.peakRssMB, unit: ' MB', ok: (v) => v < 200 },
    { name: `Peak RSS ${fmtInt(memory?.large?.total)} vs ${fmtInt(memory?.small?.total)} events`, want: '<= 1.25x', measured: memory?.ratio, ok: (v) => v <= 1.25 },
    { name: 'Backfill @100 ms: 3 worker processes vs 1, events/s', want: '>= 2.4x', measured: scale?.throughput.ratio, ok: (v) => v >= 2.4 },
    { name: 'Shared 10 req/s, 3 workers: most requests in any 1 s', want: '<= 10 req', measured: scale?.shared.maxInAnySecond, unit: ' requests', ok: (v) => v <= 10 },
  ];
  return list.map(({ ok, unit, ...t }) => ({ ...t, measured: t.measured ?? null, unit: unit ?? 'x', status: t.measured == null ? 'n/a' : ok(t.measured) ? 'PASS' : 'MISS' }));
}

/** With a cursor, page n+1 cannot be asked for before page n arrives: prefetch saves at most the consumer's time. */
function botbyeBound(results) {
  const r = results.find((x) => x.id === 'botbye-25');
  if (!r) return undefined;
  const bound = (r.latencyMs + r.consumerMsPerPage) / Math.max(r.latencyMs, r.consumerMsPerPage);
  return `a one-page lookahead bounds this at (${r.latencyMs}+${r.consumerMsPerPage})/${Math.max(r.latencyMs, r.consumerMsPerPage)} = ${bound.toFixed(2)}x`;
}

function printTable(report) {
  const line = (cells, widths) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  const widths = [40, 10, 11, 9];
  console.log(`\nwafstream bench: node ${report.node}, ${report.cpus} x ${report.cpuModel}, ${report.rounds} rounds (medians)${report.quick ? ', --quick: smaller sets, figures indicative only' : ''}`);
  console.log('vs floor: median over rounds of floor wall / contender wall (above 1: faster than the floor)');
  for (const r of report.scenarios) {
    console.log(`\n${r.title}${r.rounds === report.rounds ? '' : `, ${r.rounds} rounds`}   [server: ${r.server.requests} requests, ${r.server.cpuMs} ms CPU]`);
    console.log(line(['  contender', 'wall ms', 'events/s', 'vs floor'], widths));
    for (const c of r.contenders) console.log(line([`  ${c.label}`, c.medianWallMs.toFixed(1), fmtInt(c.eventsPerSec), c.vsFloor == null ? '-' : `${c.vsFloor.toFixed(2)}x`], widths));
  }
  const m = report.memory;
  if (m) {
    console.log('\nmemory: Gcore drain, default client, fresh process per run (peak = maxRSS)');
    for (const run of [m.small, m.large]) {
      console.log(`  ${fmtInt(run.total).padStart(9)} events: peak RSS ${run.peakRssMB.toFixed(1)} MB (after import ${run.baselineRssMB.toFixed(1)} MB), ${run.wallMs.toFixed(0)} ms, ${fmtInt(run.eventsPerSec)} events/s`);
    }
    console.log(`  ratio ${m.ratio.toFixed(2)}x`);
  }
  console.log('\ntargets (reported, not asserted):');
  for (const t of report.targets) {
    const measured = t.measured == null ? '-' : `${t.unit === 'x' ? t.measured.toFixed(2) : Number.isInteger(t.measured) ? t.measured : t.measured.toFixed(1)}${t.unit}`;
    console.log(`  ${t.status.padEnd(4)}  ${t.name.padEnd(62)} ${t.want.padStart(9)}  measured ${measured}${t.note ? `  (${t.note})` : ''}`);
  }
}

// ---- main ----------------------------------------------------------------------------------------------------------

async function main() {
  const quick = Boolean(args.quick);
  const rounds = args.rounds ? Number(args.rounds) : quick ? 2 : 5;
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, got ${args.rounds}`);
  const only = typeof args.only === 'string' ? args.only.split(',') : undefined;
  const contenderFilter = typeof args.contender === 'string' ? args.contender.split(',') : undefined;
  const sdk = await loadSdk();
  const log = args.json ? (...a) => console.error(...a) : (...a) => console.log(...a);

  const results = [];
  for (const scenario of scenarios(quick).filter((s) => !only || only.includes(s.id))) {
    log(`running ${scenario.title} ...`);
    let scenarioRounds = rounds;
    if (!args.rounds && scenario.maxRounds) scenarioRounds = Math.min(rounds, scenario.maxRounds);
    if (!args.rounds && scenario.roundsFactor) scenarioRounds = rounds * scenario.roundsFactor;
    results.push(await runScenario(sdk, scenario, scenarioRounds, contenderFilter));
  }
  let memory;
  if (!only || only.includes('memory')) {
    const [small, large] = quick ? [30_000, 300_000] : [100_000, 1_000_000];
    log(`running memory: Gcore drain of ${fmtInt(small)} and ${fmtInt(large)} events ...`);
    const s = await memoryRun(small);
    const l = await memoryRun(large);
    memory = { small: s, large: l, ratio: round2(l.peakRssMB / s.peakRssMB) };
  }
  if (!only || only.includes('repair')) await (await import('./repair.mjs')).repairBench({ quick, rounds, log });
  const transport = !only || only.includes('transport') ? await (await import('./transport.mjs')).runTransportBench({ sdk, log, rounds: quick ? 1 : 3 }) : undefined;
  // Needs redis-server (test/support/redis-server.mjs starts one): without it the bench fails, naming the fix.
  const scale = !only || only.includes('scale')
    ? await (await import('./scale.mjs')).runScaleBench({ log, rounds: args.rounds ? rounds : quick ? 1 : 3, events: quick ? 12_000 : 24_000, big: Boolean(args['scale-big']) || process.env.SCALE_BIG === '1' })
    : undefined;
  const report = {
    transport,
    scale,
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    rounds,
    quick,
    scenarios: results,
    memory,
    targets: targets(results, memory, scale),
  };
  if (args.json) console.log(JSON.stringify(report));
  else printTable(report);
  if (!args.json && !args['no-follow']) await (await import('./follow.mjs')).runFollowBench({ events: 150_000, intervalMs: 1000, idleS: 10 });
}

// ---- helpers ---------------------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) continue;
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out[argv[i].slice(2)] = true;
    else out[argv[i].slice(2)] = argv[++i];
  }
  return out;
}
/** The median over rounds of a[i] / b[i]: runs of one round ran back to back, so drift between rounds cancels. */
function pairedRatio(a, b) {
  return round2(median(a.map((value, i) => value / b[i])));
}
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
const round1 = (v) => Math.round(v * 10) / 10;
const round2 = (v) => Math.round(v * 100) / 100;
const fmtInt = (v) => (v == null ? '?' : v.toLocaleString('en-US'));

// Last, so every const above is initialized before it runs.
if (args['memory-child']) await memoryChild(JSON.parse(args['memory-child']));
else await main().catch((error) => {
  console.error(`\nbench FAILED: ${error?.stack ?? error}`);
  process.exit(1);
});
