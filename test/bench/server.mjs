/**
 * A fake of the three provider APIs for the benchmark, on plain node:http (msw would make the server the
 * bottleneck). It runs in its own process so its CPU never shares an event loop with the SDK under test.
 *
 *   node test/bench/server.mjs --total 20000 --latency 25 [--cache-mb 256]
 *
 * Every provider serves the same `total` records, generated from their index on the fly (no arrays of
 * records), newest first, with fixed timestamps spread over a window that ends two minutes before startup.
 * The first stdout line is JSON: { port, gcore: {startMs, endMs}, transactcdn: {startMs, endMs}, account, project }.
 * The server exits when its stdin closes, i.e. when the parent goes away.
 *
 * Serialized pages are cached by their resolved record range (not by URL spelling), so whichever contender
 * asks first pays the generation once and every later request, by anyone, is served from memory. `GET /__stats`
 * reports requests served and the server's own CPU time, to show it is not the bottleneck.
 */
import http from 'node:http';

const args = parseArgs(process.argv.slice(2));
const TOTAL = intArg('total', 20_000);
const LATENCY = intArg('latency', 0);
const CACHE_BYTES = intArg('cache-mb', 256) * 1024 * 1024;
const ACCOUNT = '0001';
const PROJECT = '185071d5-d4fe-4bea-93df-19d0bd8c2d0d';
const BOTBYE_ACCOUNT = 'acc_bench';

// One hour of history, ending on a whole second two minutes ago: TransactCDN windows are whole seconds and
// must lie within the last 30 days; Gcore and BotBye do not care.
const END_MS = Math.floor(Date.now() / 1000) * 1000 - 120_000;
const START_MS = END_MS - 3_600_000;
const SPAN_MS = END_MS - START_MS;

// ---- record times, newest first (index 0 is the newest) -------------------------------------------------

/** Gcore `request_time` (epoch ms), strictly inside (START_MS, END_MS), non-increasing in i. */
const gcoreTime = (i) => END_MS - 1 - Math.floor((i * (SPAN_MS - 2)) / TOTAL);
/** TransactCDN `Epoch Time` (seconds, microseconds), strictly inside the window, decreasing in i. */
const cdnEpoch = (i) => Math.round((END_MS - ((i + 0.5) * SPAN_MS) / TOTAL) * 1000) / 1_000_000;

/** The index range [lo, hi) of records whose time t satisfies from <= t (< or <=) to, for a non-increasing time. */
function indexRange(timeOf, from, to, toInclusive) {
  const beforeEnd = (i) => (toInclusive ? timeOf(i) <= to : timeOf(i) < to);
  const lo = firstIndex((i) => beforeEnd(i));
  const hi = firstIndex((i) => timeOf(i) < from);
  return [lo, Math.max(lo, hi)];
}

/** The first index in [0, TOTAL] where the monotone predicate turns true. */
function firstIndex(predicate) {
  let lo = 0;
  let hi = TOTAL;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (predicate(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

// ---- record generators: constant parts are JSON-escaped once; per record only numbers are spliced in ------

const q = (value) => JSON.stringify(value);
const pick = (list, i) => list[i % list.length];
const hex8 = (n) => ((Math.imul(n + 1, 2654435761) >>> 0).toString(16).padStart(8, '0'));
const hex32 = (i) => hex8(i) + hex8(i ^ 0x5bd1e995) + hex8(i + 0x9e3779b9) + hex8(i * 7 + 13);
const ipv4 = (i) => `${(i % 200) + 11}.${(i >>> 3) & 255}.${(i >>> 11) & 255}.${(i * 13) & 255}`;

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'python-requests/2.32.3',
  'Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0',
  'curl/8.7.1',
].map(q);
const PATHS = ['/api/v1/auth/login', '/wp-login.php', '/search?q=%27%20OR%201%3D1--', '/static/app.js', '/api/v2/orders/list'];
const METHODS = ['GET', 'POST', 'GET', 'GET', 'PUT'];

const G_RULES = [
  ['SQL injection', 'blocked', 'block', 'passed'],
  ['Bad reputation IP', 'monitored', 'monitor', 'passed'],
  ['Rate limit: login', 'blocked', 'captcha', 'blocked'],
  ['Allow internal health checks', 'allowed', 'allow', 'passed'],
].map(([rule, decision, action, result]) => `"rule_name":${q(rule)},"decision":${q(decision)},"action":${q(action)},"result":${q(result)}`);

function gcoreRecord(i) {
  const path = pick(PATHS, i);
  return `{"id":"${hex32(i)}-${String(i % 1_000_000).padStart(6, '0')}","path":${q(path)},"client_ip":"${ipv4(i)}",`
    + `"method":"${pick(METHODS, i)}",${pick(G_RULES, i)},"country":"DE","rule_id":"S${100000 + (i % 97)}",`
    + `"domain":"shop.example.com","domain_id":${1000 + (i % 3)},"user_agent":${pick(USER_AGENTS, i)},`
    + `"user_agent_client":"Chrome","organization":"Hetzner Online GmbH","request_time":${gcoreTime(i)},`
    + `"reference_id":"${hex32(i + 1)}","status_code":${i % 4 === 3 ? 200 : 403},"traffic_types":"policy_blocked,bot",`
    + `"optional_action":"${i % 4 === 2 ? 'captcha' : ''}","session_id":"${hex32(i >>> 4)}","scheme":"https",`
    + `"http_version":"1.1","ja3":"e7d705a3286e19ea42f587b344ee6865"}`;
}

const CDN_FIXED = `"Profile Type":"PRODUCTION","Rule Message":${q('Inbound Anomaly Score Exceeded (Total Score: 5, SQLi=3, XSS=0): Last Matched Message: 981255-Detects MSSQL code execution and information gathering attempts')},`
  + `"Sub Event Count":1,"Country Code":"DE","Country Name":"Germany","City Name":"Frankfurt am Main","Rule Policy":"Inbound blocking",`
  + `"Host":"www.example.com","Instance Name":"My Instance","Profile Name":"My Profile","Rule Tags":"OWASP_CRS/ANOMALY/EXCEEDED",`
  + `"Sub Events":[{"Matched On":"ARGS:a","Rule Message":"Detects MSSQL code execution and information gathering attempts",`
  + `"Matched Data":"'select *","Total Anomaly Score":5,"Rule ID":981255,"Rule Severity":2,"Matched Value":"'select * from site'"}],`;
const CDN_ACTIONS = ['BLOCK_REQUEST', 'ALERT', 'CUSTOM_RESPONSE', 'REDIRECT_302'];

function cdnEvent(i) {
  const epoch = cdnEpoch(i);
  const micros = Math.round(epoch * 1_000_000);
  const timestamp = `${new Date(Math.floor(micros / 1000)).toISOString().slice(0, 19)}.${String(micros % 1_000_000).padStart(6, '0')}Z`;
  return `{"Epoch Time":${epoch.toFixed(6)},"Client IP":"${ipv4(i)}",${CDN_FIXED}"Timestamp":"${timestamp}",`
    + `"URL":${q(`http://www.example.com${pick(PATHS, i)}`)},"Action Type":"${pick(CDN_ACTIONS, i)}","User Agent":${pick(USER_AGENTS, i)},`
    + `"id":"${hex32(i)}${hex32(i + 7)}==","Event ID":"${String(54973727612018659117n + BigInt(i))}"}`;
}

const BB_FAILED = [
  ['Rate limit exceeded', 'rate_limit', true],
  [null, null, false],
  ['Headless browser detected', 'automation,webdriver', true],
].map(([message, checks, banned]) => `"failedMessage":${q(message)},"failedChecks":${q(checks)},"customFields":[],"isBanByRule":${banned}`);
const botbyeCursor = (i) => Buffer.from(`arrayconnection:${i}`).toString('base64');

function botbyeEdge(i) {
  const ua = pick(USER_AGENTS, i);
  const headers = q(`{"Content-Type":"application/json","User-Agent":${ua},"Accept-Language":"en-US,en;q=0.9","X-Forwarded-For":"${ipv4(i)}, 10.0.0.1","Cookie":"session=${hex32(i >>> 2)}"}`);
  return `{"cursor":"${botbyeCursor(i)}","node":{"id":"req_${hex32(i)}","token":"tok_${hex32(i + 3)}","customerId":"cust_${i % 977}",`
    + `"projectId":"${PROJECT}","siteKey":"sk_live_abc123","serverKey":"srv_key_xyz","referer":"https://example.com/login",`
    + `"userAgent":${ua},"host":"api.example.com","requestMethod":"${pick(METHODS, i)}","requestUri":${q(pick(PATHS, i))},`
    + `"remoteAddr":"10.0.0.1","serverName":"api-server-01","remoteUser":null,"serverPort":443,"requestInfo":"Login attempt",`
    + `${pick(BB_FAILED, i)},"headers":${headers},"createdAt":"${new Date(gcoreTime(i)).toISOString()}","realIp":"${ipv4(i)}",`
    + `"country":"DEU","asn":"AS24940","isProtected":true}}`;
}

function joinRange(make, from, to) {
  const parts = new Array(Math.max(0, to - from));
  for (let i = from; i < to; i++) parts[i - from] = make(i);
  return parts.join(',');
}

// ---- endpoints ----------------------------------------------------------------------------------------------

function gcorePage(url) {
  const p = url.searchParams;
  const limit = Number(p.get('limit') ?? 100);
  const offset = Number(p.get('offset') ?? 0);
  if (!p.get('start')) return problem(422, 'start is required');
  if (!Number.isInteger(limit) || limit < 0 || limit > 100) return problem(422, 'limit must be 0..100');
  if (!Number.isInteger(offset) || offset < 0 || offset > 100_000) return problem(422, 'offset must be 0..100000');
  if (p.get('ordering') && p.get('ordering') !== '-request_time') return problem(422, 'this fake serves -request_time only');
  const from = Date.parse(p.get('start'));
  const to = p.get('end') ? Date.parse(p.get('end')) : Date.now();
  const [lo, hi] = indexRange(gcoreTime, from, to, true);
  const a = Math.min(hi, lo + offset);
  const b = Math.min(hi, a + limit);
  return cached(`g:${lo}:${hi}:${offset}:${limit}`, () =>
    `{"limit":${limit},"offset":${offset},"count":${hi - lo},"results":[${joinRange(gcoreRecord, a, b)}]}`);
}

const API_TIME = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}:\d{2})?$/;
const apiSeconds = (text) => {
  const m = API_TIME.exec(text ?? '');
  return m ? Date.parse(`${m[1]}${m[2] ?? 'T00:00:00'}Z`) / 1000 : NaN;
};

function cdnPage(url) {
  const p = url.searchParams;
  const nowSec = Date.now() / 1000;
  const endSec = p.has('end_time') ? apiSeconds(p.get('end_time')) : Math.floor(nowSec);
  const startSec = p.has('start_time') ? apiSeconds(p.get('start_time')) : endSec - 86_400;
  const size = Number(p.get('page_size') ?? 100);
  const page = Number(p.get('page') ?? 1);
  if (Number.isNaN(startSec) || Number.isNaN(endSec)) return json(400, '{"Message":"Invalid date/time format"}');
  if (startSec < nowSec - 30 * 86_400) return json(400, '{"Message":"start_time is older than 30 days"}');
  if (!Number.isInteger(size) || size < 1 || size > 1000 || !Number.isInteger(page) || page < 1) {
    return json(400, '{"Message":"page must be >= 1 and page_size 1..1000"}');
  }
  // [start_time, end_time): an event at exactly end_time belongs to the next window.
  const [lo, hi] = indexRange(cdnEpoch, startSec, endSec, false);
  const a = Math.min(hi, lo + (page - 1) * size);
  const b = Math.min(hi, a + size);
  return cached(`t:${startSec}:${endSec}:${page}:${size}`, () =>
    `{"page":${page},"page_of":${Math.ceil((hi - lo) / size)},"time_from":${startSec.toFixed(1)},"time_to":${endSec.toFixed(1)},"events":[${joinRange(cdnEvent, a, b)}]}`);
}

function botbyePage(url) {
  const p = url.searchParams;
  let cursor = {};
  try {
    cursor = p.has('cursor') ? JSON.parse(p.get('cursor')) : {};
  } catch {
    return json(400, '{"message":"cursor must be JSON"}');
  }
  const first = Number(cursor.first ?? p.get('first') ?? p.get('limit') ?? 20);
  if (!Number.isInteger(first) || first < 1 || first > 100) return json(400, '{"message":"first must be 1..100"}');
  const after = cursor.after ?? p.get('after');
  let a = 0;
  if (after != null) {
    const m = /^arrayconnection:(\d+)$/.exec(Buffer.from(String(after), 'base64').toString());
    if (!m) return json(400, '{"message":"unknown cursor"}');
    a = Number(m[1]) + 1;
  }
  const b = Math.min(TOTAL, a + first);
  return cached(`b:${a}:${first}`, () => {
    const edges = joinRange(botbyeEdge, a, b);
    const start = b > a ? q(botbyeCursor(a)) : 'null';
    const end = b > a ? q(botbyeCursor(b - 1)) : 'null';
    return `{"edges":[${edges}],"pageInfo":{"hasPreviousPage":${a > 0},"hasNextPage":${b < TOTAL},"startCursor":${start},"endCursor":${end},"total":${TOTAL}}}`;
  });
}

// ---- plumbing -------------------------------------------------------------------------------------------------

const cache = new Map();
let cachedBytes = 0;
function cached(key, build) {
  let body = cache.get(key);
  if (body) return { status: 200, type: 'application/json', body };
  body = Buffer.from(build());
  // Bounded: past the cap pages are simply generated each time (the 1M-record memory run).
  if (cachedBytes + body.length <= CACHE_BYTES) {
    cache.set(key, body);
    cachedBytes += body.length;
  }
  return { status: 200, type: 'application/json', body };
}

const json = (status, text) => ({ status, type: 'application/json', body: Buffer.from(text) });
const problem = (status, detail) =>
  ({ status, type: 'application/problem+json', body: Buffer.from(JSON.stringify({ type: 'about:blank', title: 'Unprocessable Entity', status, detail })) });

let served = 0;
function route(req) {
  const url = new URL(req.url, 'http://127.0.0.1');
  if (url.pathname === '/__stats') {
    const cpu = process.cpuUsage();
    return json(200, JSON.stringify({ requests: served, cpuMs: Math.round((cpu.user + cpu.system) / 1000), cachedBytes }));
  }
  served++;
  if (!req.headers.authorization && !req.headers['x-api-key']) return json(401, '{"message":"missing credentials"}');
  if (url.pathname === '/waap/v1/analytics/requests') return gcorePage(url);
  if (url.pathname === `/v2/mcc/customers/${ACCOUNT}/waf/eventlogs`) return cdnPage(url);
  if (url.pathname === `/api/v1/${BOTBYE_ACCOUNT}/projects/${PROJECT}/requests`) return botbyePage(url);
  return json(404, '{"message":"not found"}');
}

const server = http.createServer((req, res) => {
  let out;
  try {
    out = route(req);
  } catch (error) {
    out = json(500, JSON.stringify({ message: String(error?.stack ?? error) }));
  }
  const send = () => {
    res.writeHead(out.status, { 'content-type': out.type, 'content-length': out.body.length });
    res.end(out.body);
  };
  if (LATENCY > 0 && req.url !== '/__stats' && !req.headers['x-bench-no-latency']) setTimeout(send, LATENCY);
  else send();
});
// Keep-alive must outlive the gaps between rounds, or contenders would pay reconnects unevenly.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 121_000;

server.listen(0, '127.0.0.1', () => {
  const info = {
    port: server.address().port,
    total: TOTAL,
    latencyMs: LATENCY,
    gcore: { startMs: START_MS, endMs: END_MS },
    transactcdn: { startMs: START_MS, endMs: END_MS },
    account: ACCOUNT,
    botbye: { accountId: BOTBYE_ACCOUNT, projectId: PROJECT },
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);
});

// Exit with the parent: it holds our stdin open for as long as it lives.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
process.on('disconnect', () => process.exit(0));

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) out[argv[i].slice(2)] = argv[i + 1];
  }
  return out;
}
function intArg(name, fallback) {
  if (args[name] === undefined) return fallback;
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer, got ${args[name]}`);
  return value;
}
