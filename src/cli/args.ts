import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A command line the CLI refuses before any request: exit 2, one line naming the flag. */
export class UsageError extends Error {
  override name = 'UsageError' as const;
}

/** Guard for `UsageError`. */
export function isUsageError(error: unknown): error is UsageError {
  return error instanceof Error && error.name === 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** `util.parseArgs`, strict, with its errors turned into a `UsageError` that names the flag. */
export function parse<O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]!.replace(/\. To specify.*$/, ''));
  }
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `2m`, `24h`, `7d`, `500ms` → milliseconds. */
export function duration(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new UsageError(`--${flag}: "${text}" is not a duration (like 90s, 15m, 24h, 7d)`);
  return Math.round(Number(m[1]) * UNITS[m[2]!]!);
}

/** An instant flag: a duration back from `now` (`24h`), an ISO 8601 date-time, or `now`. */
export function instant(flag: string, text: string, now: number): Date {
  if (text === 'now') return new Date(now);
  if (/^\d+(?:\.\d+)?(ms|s|m|h|d)$/.test(text)) return new Date(now - duration(flag, text));
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const ms = Date.parse(text);
    if (!Number.isNaN(ms)) return new Date(ms);
  }
  throw new UsageError(`--${flag}: "${text}" is neither a duration back from now (24h) nor an ISO 8601 time`);
}

/** One `--filter [source:]key=value`. */
export interface FilterArg {
  scope: string | undefined;
  key: string;
  value: string;
}

/** Splits `--filter` values; `source:key=value` limits one to a source. */
export function filters(values: readonly string[]): FilterArg[] {
  return values.map((text) => {
    const eq = text.indexOf('=');
    if (eq <= 0) throw new UsageError(`--filter: "${text}" is not key=value`);
    const left = text.slice(0, eq);
    const colon = left.indexOf(':');
    return colon > 0
      ? { scope: left.slice(0, colon), key: left.slice(colon + 1), value: text.slice(eq + 1) }
      : { scope: undefined, key: left, value: text.slice(eq + 1) };
  });
}

/** A value from one of `allowed`, or a `UsageError` naming the flag. */
export function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${flag}: "${value}" is not one of ${allowed.join(', ')}`);
}
