/**
 * Cost of the SIEM mappings per event, on the built package (run `npm run build` first):
 *
 *   node test/bench/formats.mjs [--events 200000] [--rounds 5]
 *
 * Maps a realistic mix of normalized events (Gcore with every field, TransactCDN WAF with five rules, BotBye)
 * with toOcsf and toEcs, and the same plus JSON.stringify (what an NDJSON export pays). Prints medians of the
 * rounds in ns per event; nothing is asserted.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL, fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { toEcs, toOcsf } = await import(pathToFileURL(`${ROOT}dist/index.js`).href);
const { values } = parseArgs({ options: { events: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '5' } } });
const total = Number(values.events);
const rounds = Number(values.rounds);

const gcoreRaw = { id: 'g', request_time: 1_764_583_200_123, client_ip: '198.51.100.7', path: '/search?q=1', method: 'GET', rule_id: 'sqli-1', rule_name: 'SQL injection', country: 'NL', domain: 'shop.example.com', user_agent: 'curl/8.5.0', organization: 'Example B.V.', status_code: 403, decision: 'blocked', traffic_types: 'sqli,attack', scheme: 'https', http_version: '1.1', ja3: 'e7d705a3286e19ea42f587b344ee6865' };
const samples = [
  {
    provider: 'gcore', source: 'gcore.waap', id: 'g', time: new Date(gcoreRaw.request_time), disposition: 'blocked', providerAction: 'blocked',
    client: { ip: '198.51.100.7', country: 'NL', organization: 'Example B.V.', userAgent: 'curl/8.5.0', ja3: gcoreRaw.ja3 },
    request: { method: 'GET', path: '/search?q=1', host: 'shop.example.com', scheme: 'https', httpVersion: '1.1' },
    response: { status: 403 }, rules: [{ id: 'sqli-1', name: 'SQL injection', tags: ['sqli', 'attack'] }], raw: gcoreRaw,
  },
  {
    provider: 'transactcdn', source: 'transactcdn.waf', id: 'w', time: new Date(1_764_583_200_500), disposition: 'custom_response', providerAction: 'CUSTOM_RESPONSE',
    client: { ip: '2001:db8::42', country: 'US', userAgent: 'Mozilla/5.0' },
    request: { method: 'POST', url: 'https://www.example.com/login.php?user=admin', host: 'www.example.com', path: '/login.php', scheme: 'https' },
    response: {}, rules: [1, 2, 3, 4, 5].map((n) => ({ id: String(941100 + n), message: `XSS ${n}`, tags: ['OWASP_CRS/WEB_ATTACK/XSS'] })),
    raw: { id: 'w', 'Epoch Time': 1_764_583_200.5, 'Client IP': '2001:db8::42', 'Rule Policy': 'Inbound blocking', Timestamp: '2025-12-01T10:00:00.500000Z', 'Sub Events': [] },
  },
  {
    provider: 'botbye', source: 'botbye.requests', id: 'b', time: new Date('2025-12-01T10:00:00Z'), disposition: 'allowed', providerAction: 'passed',
    client: { ip: '203.0.113.42', country: 'US', asn: 'AS15169' }, request: { method: 'GET', host: 'api.example.com', path: '/' },
    response: {}, rules: [], raw: { id: 'b', createdAt: '2025-12-01T10:00:00Z', realIp: '203.0.113.42' },
  },
];
const events = Array.from({ length: total }, (_, i) => samples[i % samples.length]);

const cases = {
  toOcsf: (event) => toOcsf(event),
  toEcs: (event) => toEcs(event),
  'toOcsf + JSON.stringify': (event) => JSON.stringify(toOcsf(event)),
  'toEcs + JSON.stringify': (event) => JSON.stringify(toEcs(event)),
};

let sink = 0;
const results = {};
for (const [name, map] of Object.entries(cases)) {
  for (let i = 0; i < 20_000; i++) sink ^= map(events[i % events.length]) ? 1 : 0; // warm-up
  const perEvent = [];
  for (let round = 0; round < rounds; round++) {
    const t0 = process.hrtime.bigint();
    for (const event of events) sink ^= map(event) ? 1 : 0;
    perEvent.push(Number(process.hrtime.bigint() - t0) / total);
  }
  perEvent.sort((a, b) => a - b);
  results[name] = perEvent[Math.floor(perEvent.length / 2)];
}
console.log(`${total} events x ${rounds} rounds, Node ${process.version} (median ns per event)`);
for (const [name, ns] of Object.entries(results)) console.log(`${name.padEnd(26)} ${ns.toFixed(0).padStart(6)} ns  (${(1e9 / ns / 1e6).toFixed(2)} M events/s)`);
if (sink === 42) console.log('');
