import { mergeEvents, type MergedEvents } from '../core/merge.js';
import type { SecurityEvent } from '../events.js';
import type { Source } from '../providers/registry.js';
import { filters, instant, oneOf, parse, UsageError, type FilterArg } from './args.js';
import { ExactlyOnceFile } from './out-file.js';
import { FORMATS, formatter, writeStdout, type Format } from './output.js';
import { Progress, progressLogger } from './progress.js';
import { CREDENTIAL_FLAGS, sourceList, wire, type Credentials, type Readable } from './sources.js';

export const EXPORT_HELP = `wafstream export <source…> --since 24h [options]

Reads a closed time window of one or more sources and writes one JSON document per line to stdout (or --out),
newest first, several sources merged by time.

Sources: gcore, waf, rate-limiting, botbye, all

Options:
  --since <t>           start: a duration back from now (24h, 90m, 7d) or an ISO 8601 time (required)
  --until <t>           end (exclusive): same forms; default now
  --filter k=v          a provider filter, repeatable (a key given twice is a list); source:k=v for one source
  --format <f>          ndjson (normalized events, default), ecs, ocsf, raw (the provider's records)
  --out <file>          write to FILE, crash-safe: a rerun of the same command resumes where it stopped
  --gcore-api-key, --gcore-base-url                              (or GCORE_API_KEY, GCORE_BASE_URL)
  --transactcdn-token, --transactcdn-account, --transactcdn-base-url
                                    (or TRANSACTCDN_TOKEN, TRANSACTCDN_ACCOUNT, TRANSACTCDN_BASE_URL)
  --botbye-api-key, --botbye-account-id, --botbye-project-id, --botbye-base-url
                                    (or BOTBYE_API_KEY, BOTBYE_ACCOUNT_ID, BOTBYE_PROJECT_ID, BOTBYE_BASE_URL)

Examples:
  wafstream export gcore --since 24h --filter decision=blocked | jq .client.ip
  wafstream export gcore waf botbye --since 2h --format ocsf --out events.ndjson
  wafstream export waf --since 2026-11-20T00:00:00Z --until 2026-11-20T06:00:00Z --filter Host=www.example.com

Exit codes: 0 done, 1 failed after retries (rerun to resume with --out), 2 bad flags or filters, 3 authentication.`;

export const EXPORT_FLAGS = {
  since: { type: 'string' },
  until: { type: 'string' },
  filter: { type: 'string', multiple: true },
  format: { type: 'string' },
  out: { type: 'string' },
  ...CREDENTIAL_FLAGS,
} as const;

/** An export fully checked, before any request. */
export interface ExportPlan {
  sources: Source[];
  window: { start: Date; end: Date };
  filters: FilterArg[];
  format: Format;
  out: string | undefined;
  credentials: Credentials;
  /** What identifies the command for `--out` resumption. */
  fingerprint: string;
}

/** Parses `export` arguments into a plan; a `UsageError` names the first bad flag. */
export function planExport(argv: string[], now = Date.now()): ExportPlan | 'help' {
  const { values, positionals } = parse(argv, EXPORT_FLAGS);
  if (values.help) return 'help';
  const sources = sourceList(positionals);
  if (values.since === undefined) throw new UsageError('--since: is required (a duration back from now such as 24h, or an ISO 8601 time)');
  const start = instant('since', values.since, now);
  const end = values.until === undefined ? new Date(now) : instant('until', values.until, now);
  if (end.getTime() <= start.getTime()) throw new UsageError(`--until: ${end.toISOString()} is not after --since ${start.toISOString()}`);
  const format = oneOf('format', values.format, FORMATS, 'ndjson');
  const filterArgs = filters(values.filter ?? []);
  const { since, until, filter, format: _f, out, help: _h, ...credentials } = values;
  const fingerprint = JSON.stringify({ sources, since, until: until ?? null, filter: filter ?? [], format });
  return { sources, window: { start, end }, filters: filterArgs, format, out, credentials, fingerprint };
}

/** Runs a planned export. Returns the summary line's numbers. */
export async function runExport(plan: ExportPlan, stderr: NodeJS.WriteStream | { isTTY?: boolean; write(t: string): unknown } = process.stderr): Promise<void> {
  const progress = new Progress(stderr);
  const logger = progressLogger(progress, stderr);
  const file = plan.out === undefined ? undefined : ExactlyOnceFile.open(plan.out, plan.fingerprint, plan.window);
  if (file?.state.done) {
    stderr.write(`${plan.out}: already complete (${file.state.events} events); nothing to do\n`);
    file.close();
    return;
  }
  const window = file ? { start: new Date(file.state.window.start), end: new Date(file.state.window.end) } : plan.window;
  const wiring = wire(plan.sources, plan.credentials, plan.filters, logger);
  try {
    const resume = file?.state.inputs ?? [];
    // Every stream is made (so every filter checked) before the first request.
    const streams = plan.sources.map((source, i) => wiring.list(source, window, resume[i]));
    const merged = mergeEvents(streams);
    await copy(merged, formatter(plan.format), window, file, progress, wiring.requests, () => (resume.length ? undefined : totalFraction(streams)));
    // (A resumed export's totals cover the whole window while its counts start at the resume point: time then.)
    progress.done(plan.out ? `exported to ${plan.out}` : 'exported');
  } finally {
    file?.close();
    await wiring.close();
  }
}

/** Writes every merged event: straight to stdout, or to the file in committed batches with the positions they reach. */
async function copy(
  merged: MergedEvents<SecurityEvent>,
  format: (event: SecurityEvent) => string,
  window: { start: Date; end: Date },
  file: ExactlyOnceFile | undefined,
  progress: Progress,
  requests: () => number,
  fromTotals: () => number | undefined,
): Promise<void> {
  const span = window.end.getTime() - window.start.getTime();
  let batch = '';
  let inBatch = 0;
  let committedAt = Date.now();
  const commit = (done: boolean) => {
    // The merged checkpoint covers the event just received, so it commits together with its line.
    file!.commit(batch, merged.checkpoint().inputs, inBatch, done);
    batch = '';
    inBatch = 0;
    committedAt = Date.now();
  };
  try {
    for await (const event of merged) {
      const line = format(event);
      progress.counts.events++;
      // The providers' own totals when every source tells one; else how far the newest-first read has got in time.
      progress.counts.fraction = fromTotals() ?? (window.end.getTime() - event.time.getTime()) / span;
      progress.counts.requests = requests();
      if (file) {
        batch += line;
        inBatch++;
        if (inBatch >= 500 || Date.now() - committedAt > 1000) commit(false);
      } else await writeStdout(line);
      progress.update();
    }
  } catch (error) {
    // What was read before the failure is kept: the rerun resumes after it.
    if (file && inBatch > 0) commit(false);
    throw error;
  }
  if (file) commit(true);
  progress.counts.requests = requests();
}

/** Events delivered over the records the providers say match, when every stream has told its total. */
export function totalFraction(streams: readonly Readable[]): number | undefined {
  let events = 0;
  let total = 0;
  for (const stream of streams) {
    const stats = stream.stats();
    if (stats.total === undefined) return undefined;
    events += stats.events;
    total += stats.total;
  }
  return total > 0 ? events / total : undefined;
}
