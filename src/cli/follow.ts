import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileCheckpointStore } from '../core/checkpoint-store.js';
import { mergeEvents } from '../core/merge.js';
import { duration, filters, instant, oneOf, parse, UsageError } from './args.js';
import { FORMATS, formatter, writeStdout } from './output.js';
import { Progress, progressLogger } from './progress.js';
import { CREDENTIAL_FLAGS, sourceList, wire } from './sources.js';

export const FOLLOW_HELP = `wafstream follow <source…> --state DIR [--lag 2m] [--interval 15s] [--format …] [--since 1h]

Collects new events continuously, one JSON document per line on stdout, until SIGINT or SIGTERM; then commits the
position of every source to DIR and exits 0. Started again with the same DIR it carries on where it stopped.

Options:
  --state <dir>         where each source's position is kept (required)
  --lag <d>             read only up to now − lag: providers index late (default 1m)
  --interval <d>        poll period once caught up (default 15s)
  --since <t>           where to start when DIR holds no position (default now − lag)
  --filter k=v, --format, and the credential flags: as for export

Examples:
  wafstream follow gcore waf --state ./state --lag 2m --interval 15s >> events.ndjson
  wafstream follow all --state ./state --format ecs | your-shipper`;

/** `wafstream follow`: every source's follow stream, merged by arrival, until a signal. */
export async function follow(argv: string[]): Promise<'help' | void> {
  const { values, positionals } = parse(argv, {
    state: { type: 'string' },
    lag: { type: 'string' },
    interval: { type: 'string' },
    since: { type: 'string' },
    filter: { type: 'string', multiple: true },
    format: { type: 'string' },
    ...CREDENTIAL_FLAGS,
  });
  if (values.help) return 'help';
  const sources = sourceList(positionals);
  if (!values.state) throw new UsageError('--state: is required (a directory for the positions)');
  const lagMs = values.lag === undefined ? 60_000 : duration('lag', values.lag);
  const intervalMs = values.interval === undefined ? 15_000 : duration('interval', values.interval);
  const from = values.since === undefined ? undefined : instant('since', values.since, Date.now());
  const format = formatter(oneOf('format', values.format, FORMATS, 'ndjson'));
  const { state, lag: _l, interval: _i, since: _s, filter, format: _f, help: _h, ...credentials } = values;
  const progress = new Progress(process.stderr);
  const wiring = wire(sources, credentials, filters(filter ?? []), progressLogger(progress, process.stderr));
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const streams = sources.map((source) =>
      wiring.follow(source, { lagMs, intervalMs, store: fileCheckpointStore(join(state, `${source}.json`)), signal: stop.signal, ...(from ? { from } : {}) }),
    );
    mkdirSync(state, { recursive: true });
    for await (const event of mergeEvents(streams, { order: 'arrival' })) {
      await writeStdout(format(event));
      progress.counts.events++;
      progress.counts.pages = streams.reduce((sum, stream) => sum + stream.stats().pages, 0);
      progress.update();
    }
    progress.done('followed');
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await wiring.close();
  }
}
