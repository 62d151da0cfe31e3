import { startSimulator } from '../testing/simulator.js';
import { oneOf, parse, UsageError } from './args.js';
import { runExport } from './export.js';
import { FORMATS } from './output.js';
import { simulatorValues } from './registry.js';
import { SOURCES } from './sources.js';

export const DEMO_HELP = `wafstream demo [--records N] [--format ndjson|ecs|ocsf|raw] [--seed N]

Starts the provider simulator in this process (no account, no network) and exports the last day of all four
sources from it, merged newest first, one JSON document per line on stdout.

Examples:
  wafstream demo | head -3
  wafstream demo --records 20 --format ocsf | jq .disposition`;

/** `wafstream demo`: the simulator and an export of all four sources against it. */
export async function demo(argv: string[]): Promise<'help' | void> {
  const { values } = parse(argv, { records: { type: 'string' }, format: { type: 'string' }, seed: { type: 'string' } });
  if (values.help) return 'help';
  const format = oneOf('format', values.format, FORMATS, 'ndjson');
  const records = count('records', values.records, 50);
  const seed = count('seed', values.seed, 42);
  const sim = await startSimulator({ seed, records });
  try {
    const now = Date.now();
    await runExport({
      sources: [...SOURCES],
      window: { start: new Date(now - 25 * 3_600_000), end: new Date(now) },
      filters: [],
      format,
      out: undefined,
      credentials: Object.fromEntries([...simulatorValues(sim)].map(([field, value]) => [field.flag, value])),
      fingerprint: 'demo',
    });
  } finally {
    await sim.close();
  }
}

/** A whole-number flag. */
export function count(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000) throw new UsageError(`--${flag}: "${text}" is not a whole number from 0 to 1000000`);
  return n;
}
