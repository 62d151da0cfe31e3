/**
 * Transport scenarios of the benchmark (issue 9), run by run.mjs after the others (`--only transport` alone):
 *
 * - bytes on the wire for a 1000-event TransactCDN page and a 100-record Gcore page, identity vs gzip vs br:
 *   a proxy in front of the bench server compresses as a real API does when asked, and counts what it writes;
 * - 100 Gcore pages at concurrency 4 through a proxy that lets 2 requests in flight and answers 429
 *   `Retry-After: 1` above that, vs concurrency 2 through one that never says 429 (upstream latency 100 ms).
 *
 * The proxies run in this process (they only wait and copy bytes); the upstream is test/bench/server.mjs in its own.
 */
import http from 'node:http';
import zlib from 'node:zlib';
import { Agent, request } from 'undici';
import { startBenchServer } from './server-process.mjs';

const KEY = 'bench-key';
const LATENCY_MS = 100;

/** Runs every transport scenario; logs a table and returns the figures for the JSON report. */
export async function runTransportBench({ sdk, log, rounds = 3 }) {
  log('running transport: bytes on the wire, and a 2-in-flight 429 ceiling ...');
  const wire = await wireBytes(sdk);
  const ceiling = await ceilingRuns(sdk, rounds);
  log('\ntransport: bytes on the wire per page (response headers + body, as the proxy wrote them)');
  for (const row of wire) {
    log(`  ${row.page.padEnd(28)} identity ${fmt(row.identity)}   gzip ${fmt(row.gzip)} (${pct(row.gzip, row.identity)})   br ${fmt(row.br)} (${pct(row.br, row.identity)})`);
  }
  log(`\ntransport: 100 Gcore pages, upstream latency ${LATENCY_MS} ms, ${rounds} rounds (medians)`);
  log(`  concurrency 4, server allows 2 in flight (429 Retry-After: 1 above): ${ceiling.limited.wallMs} ms, answers 429: ${ceiling.limited.rejected.join(', ')}`);
  log(`  concurrency 2, server never says 429:                               ${ceiling.plain.wallMs} ms`);
  log(`  ratio ${ceiling.ratio}x (target ≤ 1.5x, at most 5 answers 429)`);
  return { wire, ceiling };
}

// ---- bytes on the wire -----------------------------------------------------------------------------------

async function wireBytes(sdk) {
  const rows = [];
  const upstreamCdn = await startBenchServer({ total: 1000, latency: 0 });
  const upstreamGcore = await startBenchServer({ total: 100, latency: 0 });
  try {
    const cdnPage = { page: 'TransactCDN, 1000 events', upstream: upstreamCdn, read: readTransactCdn };
    const gcorePage = { page: 'Gcore, 100 records', upstream: upstreamGcore, read: readGcore };
    for (const scenario of [cdnPage, gcorePage]) {
      const row = { page: scenario.page };
      for (const coding of ['identity', 'gzip', 'br']) {
        const proxy = await startProxy(scenario.upstream, { coding });
        const events = await scenario.read(sdk, proxy.base, scenario.upstream, {});
        if (events !== scenario.upstream.total) throw new Error(`${scenario.page} via ${coding}: ${events} events, expected ${scenario.upstream.total}`);
        // Per page: the SDK may also send a request for the (empty) page after the last.
        row[coding] = Math.round(proxy.bytesFor((url) => url.includes('page=1&') || url.includes('offset=0&')));
        row[`${coding}Requests`] = proxy.requests;
        await proxy.close();
      }
      rows.push(row);
    }
  } finally {
    upstreamCdn.stop();
    upstreamGcore.stop();
  }
  return rows;
}

// ---- the 429 ceiling --------------------------------------------------------------------------------------

async function ceilingRuns(sdk, rounds) {
  const upstream = await startBenchServer({ total: 10_000, latency: LATENCY_MS });
  const limited = { walls: [], rejected: [] };
  const plain = { walls: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      for (const [mode, concurrency, allowed] of [['limited', 4, 2], ['plain', 2, Infinity]]) {
        const proxy = await startProxy(upstream, { coding: 'identity', allowed });
        const t0 = performance.now();
        const events = await readGcore(sdk, proxy.base, upstream, { concurrency, maxRetries: 8 });
        const wall = performance.now() - t0;
        if (events !== upstream.total) throw new Error(`ceiling ${mode}: ${events} events, expected ${upstream.total}`);
        if (mode === 'limited') {
          limited.walls.push(wall);
          limited.rejected.push(proxy.rejected);
        } else plain.walls.push(wall);
        await proxy.close();
      }
    }
  } finally {
    upstream.stop();
  }
  const l = Math.round(median(limited.walls));
  const p = Math.round(median(plain.walls));
  return { limited: { wallMs: l, rejected: limited.rejected }, plain: { wallMs: p }, ratio: Math.round((l / p) * 100) / 100 };
}

// ---- reads through the SDK ------------------------------------------------------------------------------

async function readGcore(sdk, baseUrl, upstream, options) {
  const client = sdk.createGcoreClient({ apiKey: KEY, baseUrl, ...options });
  try {
    const events = await client.requests({ start: new Date(upstream.gcore.startMs), end: new Date(upstream.gcore.endMs), limit: 100 }).toArray();
    return events.length;
  } finally {
    await client.close();
  }
}

async function readTransactCdn(sdk, baseUrl, upstream, options) {
  const client = sdk.createTransactCdnClient({ token: KEY, accountNumber: upstream.account, baseUrl, ...options });
  try {
    const events = await client.wafEvents({ start: new Date(upstream.transactcdn.startMs), end: new Date(upstream.transactcdn.endMs), pageSize: 1000 }).toArray();
    return events.length;
  } finally {
    await client.close();
  }
}

// ---- the proxy and the upstream ----------------------------------------------------------------------------

/** A gateway in front of the bench server: compresses when asked (and allowed), and caps requests in flight. */
async function startProxy(upstream, { coding, allowed = Infinity }) {
  const agent = new Agent({ keepAliveTimeout: 10_000 });
  const perRequest = [];
  let inFlight = 0;
  let rejected = 0;
  const server = http.createServer(async (req, res) => {
    inFlight++;
    res.on('close', () => inFlight--);
    const socket = req.socket;
    const written = () => socket.bytesWritten;
    const before = written();
    const record = () => perRequest.push({ url: req.url, bytes: written() - before });
    if (inFlight > allowed) {
      rejected++;
      const body = '{"detail":"Too many concurrent requests"}';
      res.writeHead(429, { 'content-type': 'application/json', 'content-length': body.length, 'retry-after': '1' });
      return res.end(body, record);
    }
    const up = await request(`${upstream.base}${req.url}`, { dispatcher: agent, headers: { authorization: req.headers.authorization ?? '' } });
    let body = Buffer.from(await up.body.arrayBuffer());
    const headers = { 'content-type': up.headers['content-type'] ?? 'application/json' };
    const accepted = String(req.headers['accept-encoding'] ?? '');
    if (coding !== 'identity' && accepted.includes(coding)) {
      body = coding === 'gzip' ? zlib.gzipSync(body) : zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } });
      headers['content-encoding'] = coding;
    }
    headers['content-length'] = body.length;
    res.writeHead(up.statusCode, headers);
    res.end(body, record);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    get requests() {
      return perRequest.length;
    },
    get rejected() {
      return rejected;
    },
    bytesFor: (match) => perRequest.filter((r) => match(r.url)).reduce((sum, r) => sum + r.bytes, 0),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await agent.close();
    },
  };
}


function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
const fmt = (bytes) => `${bytes.toLocaleString('en-US')} B`.padStart(11);
const pct = (part, whole) => `${Math.round((part / whole) * 100)}%`;
