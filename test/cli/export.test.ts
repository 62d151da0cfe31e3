import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/testing/index.js';
import { lines, run, simEnv } from './run.js';

let sim: RunningSimulator;
let env: Record<string, string>;
const RECORDS = 120;

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, records: RECORDS });
  env = simEnv(sim);
});
afterAll(() => sim.close());

describe('wafstream demo', () => {
  it('prints every source of the built-in simulator, merged newest first, as NDJSON, and a summary on stderr', async () => {
    const r = await run(['demo', '--records', '30']);
    expect(r.code).toBe(0);
    const events = lines(r.stdout).map((l) => JSON.parse(l) as { source: string; time: string });
    expect(events).toHaveLength(120);
    expect(new Set(events.map((e) => e.source))).toEqual(new Set(['gcore.waap', 'transactcdn.waf', 'transactcdn.rate_limiting', 'botbye.requests']));
    const times = events.map((e) => Date.parse(e.time));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^exported: 120 events/)]);
  });
});

describe('wafstream export', () => {
  it('exports all sources in each format, every record exactly once', async () => {
    const data = sim.data();
    const ids = new Set([
      ...data['gcore.waap'].map((r) => r.id),
      ...data['transactcdn.waf'].map((r) => String(r['Event ID'] ?? r.id)),
      ...data['transactcdn.rate_limiting'].map((r) => String(r.id)),
      ...data['botbye.requests'].map((r) => r.id),
    ]);
    const [ndjson, ecs, ocsf, raw] = await Promise.all(
      ['ndjson', 'ecs', 'ocsf', 'raw'].map((format) => run(['export', 'all', '--since', '25h', '--format', format], env)),
    );
    for (const r of [ndjson, ecs, ocsf, raw]) expect(r!.code, r!.stderr).toBe(0);
    const events = lines(ndjson!.stdout).map((l) => JSON.parse(l) as { id: string });
    expect(events.map((e) => e.id).sort()).toEqual([...ids].sort());
    const ecsDocs = lines(ecs!.stdout).map((l) => JSON.parse(l) as { '@timestamp': string; event: { id: string; dataset: string } });
    expect(ecsDocs.map((d) => d.event.id)).toEqual(events.map((e) => e.id));
    expect(ecsDocs.every((d) => typeof d['@timestamp'] === 'string')).toBe(true);
    const ocsfDocs = lines(ocsf!.stdout).map((l) => JSON.parse(l) as { class_uid: number; metadata: { uid: string; version: string } });
    expect(ocsfDocs.map((d) => d.metadata.uid)).toEqual(events.map((e) => e.id));
    expect(new Set(ocsfDocs.map((d) => `${d.class_uid} ${d.metadata.version}`))).toEqual(new Set(['4002 1.8.0']));
    const rawDocs = lines(raw!.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rawDocs).toEqual(events.map((e) => (e as unknown as { raw: unknown }).raw));
  });

  it('applies --filter and --until, per source with source:key=value', async () => {
    const blocked = sim.data()['gcore.waap'].filter((r) => r.decision === 'blocked');
    const sent = sim.requests.length;
    const r = await run(['export', 'gcore', '--since', '25h', '--filter', 'decision=blocked'], env);
    expect(r.code, r.stderr).toBe(0);
    // The summary counts what was really sent.
    expect(r.stderr).toBe(`exported: ${blocked.length} events · ${/· ([\d,]+)\/s/.exec(r.stderr)![1]}/s · ${sim.requests.length - sent} requests · 0 retries in 0s\n`);
    expect(lines(r.stdout).map((l) => (JSON.parse(l) as { id: string }).id).sort()).toEqual(blocked.map((b) => b.id).sort());
    expect(blocked.length).toBeGreaterThan(0);

    const until = new Date(Date.now() - 12 * 3_600_000).toISOString();
    const older = sim.data()['transactcdn.waf'].filter((e) => Number(e['Epoch Time']) * 1000 < Date.parse(until));
    const scoped = await run(['export', 'waf', 'gcore', '--since', '25h', '--until', until, '--filter', 'gcore:decision=blocked'], env);
    expect(scoped.code, scoped.stderr).toBe(0);
    const got = lines(scoped.stdout).map((l) => JSON.parse(l) as { source: string; disposition: string; time: string });
    expect(got.filter((e) => e.source === 'transactcdn.waf')).toHaveLength(older.length);
    expect(got.filter((e) => e.source === 'gcore.waap').every((e) => ['blocked', 'challenged'].includes(e.disposition))).toBe(true);
    expect(got.every((e) => Date.parse(e.time) < Date.parse(until))).toBe(true);
  });

  it('refuses bad flags and filters with exit 2, one line naming the flag, and no request', async () => {
    const before = sim.requests.length;
    const cases: Array<[string[], RegExp, Record<string, string>?]> = [
      [['export', 'gcore', '--since', '24h', '--bogus'], /--bogus/],
      [['export', 'gcore'], /--since: is required/],
      [['export', 'gcore', '--since', 'yesterday'], /--since: "yesterday"/],
      [['export', 'gcore', '--since', '1h', '--until', '2h'], /--until/],
      [['export', 'gcore', '--since', '1h', '--format', 'xml'], /--format: "xml"/],
      [['export', 'nosuch', '--since', '1h'], /<source>: "nosuch"/],
      [['export', 'gcore', '--since', '1h', '--filter', 'decision'], /--filter: "decision" is not key=value/],
      [['export', 'gcore', '--since', '1h', '--filter', 'decison=blocked'], /--filter decison/],
      [['export', 'gcore', '--since', '1h', '--filter', 'decision=maybe'], /--filter decision/],
      [['export', 'waf', '--since', '1h', '--filter', 'Hots=x'], /--filter Hots/],
      [['export', 'botbye', '--since', '1h', '--filter', 'nope=1'], /--filter/],
      [['export', 'gcore', '--since', '1h'], /--gcore-api-key: is required \(or set GCORE_API_KEY\)/, { GCORE_API_KEY: '' }],
      [['export', 'gcore', '--since', '1h', '--gcore-base-url', 'http://example.com'], /baseUrl/],
      [['follow', 'gcore'], /--state: is required/],
      [['follow', 'gcore', '--state', '/tmp/x', '--lag', 'soon'], /--lag: "soon"/],
      [['simulate', '--port', 'x'], /--port/],
      [['frobnicate'], /"frobnicate" is not a command/],
    ];
    const results = await Promise.all(cases.map(([args, , extra]) => run(args, { ...env, ...extra })));
    results.forEach((r, i) => {
      expect(r.code, `${cases[i]![0].join(' ')}: ${r.stderr}`).toBe(2);
      expect(lines(r.stderr)).toHaveLength(1);
      expect(r.stderr).toMatch(cases[i]![1]);
      expect(r.stdout).toBe('');
    });
    expect(sim.requests.length).toBe(before);
  });

  it('exits 3 on an authentication failure, without echoing the key', async () => {
    const r = await run(['export', 'gcore', '--since', '1h'], { ...env, GCORE_API_KEY: 'wrong-key-123456' });
    expect(r.code).toBe(3);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/401|403|auth/i);
    expect(r.stderr).not.toContain('wrong-key-123456');
    const f = await run(['follow', 'waf', '--state', '/tmp/wafstream-cli-auth-state', '--lag', '0s'], { ...env, TRANSACTCDN_TOKEN: 'wrong-token-123456' });
    expect(f.code, f.stderr).toBe(3);
    expect(f.stderr).not.toContain('wrong-token-123456');
  });

  it('exits 1 on any other failure with the error and the command to resume, a key given as a flag hidden', async () => {
    const server = createServer((_req, res) => res.writeHead(400, { 'content-type': 'application/json' }).end('{"detail":"bad"}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const r = await run(['export', 'gcore', '--since', '1h', '--out', '/tmp/wafstream-cli-fail.ndjson', '--gcore-base-url', url, '--gcore-api-key', 'secret-flag-key']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/400/);
      expect(r.stderr).toMatch(/^resume: wafstream export gcore --since 1h --out \/tmp\/wafstream-cli-fail.ndjson --gcore-base-url http:\/\/127\.0\.0\.1:\d+ --gcore-api-key "\$GCORE_API_KEY"$/m);
      expect(r.stderr).not.toContain('secret-flag-key');
    } finally {
      server.close();
    }
  });

  it('retries injected faults (429 with Retry-After, a reset) and counts them in the summary, nothing lost', async () => {
    const faulty = await startSimulator({ seed: 6, records: 300, faults: { schedule: { 1: 'rate-limit', 3: 'reset' }, retryAfterSeconds: 0 } });
    try {
      const r = await run(['export', 'gcore', '--since', '25h'], simEnv(faulty));
      expect(r.code, r.stderr).toBe(0);
      expect(lines(r.stdout).map((l) => (JSON.parse(l) as { id: string }).id).sort()).toEqual(faulty.data()['gcore.waap'].map((x) => x.id).sort());
      expect(faulty.faultsInjected['rate-limit'] + faulty.faultsInjected.reset).toBe(2);
      expect(r.stderr).toMatch(/ · 2 retries in /);
    } finally {
      await faulty.close();
    }
  });

  it('has --help for every command, with examples, on stdout and exit 0', async () => {
    for (const command of ['demo', 'export', 'follow', 'simulate']) {
      const r = await run([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^wafstream ${command}`));
      expect(r.stdout).toMatch(/Examples:\n {2}wafstream /);
    }
    const top = await run(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/demo[\s\S]*export[\s\S]*follow[\s\S]*simulate/);
  });
});
