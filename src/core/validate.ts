import type { z } from 'zod';
import { FilterValidationError, ResponseValidationError, type Issue, type ProviderName } from './errors.js';

/**
 * A record that broke its schema where the stream cannot do without it (no id, no time, an unreadable time).
 * Strategies pass it through untouched; the stream applies the caller's `onInvalidRecord` when it is reached.
 */
export class InvalidRecord {
  constructor(
    /** The record as received. */
    readonly raw: unknown,
    readonly issues: readonly Issue[],
    /** What `onInvalidRecord: 'throw'` throws: names the record's index on its page and the field path. */
    readonly error: ResponseValidationError,
  ) {}
}


/** Turns zod issues into our flat `{ path, message }` form: `countries[2]: Invalid string: must match …`. */
export function toIssues(error: z.ZodError): Issue[] {
  return error.issues.flatMap((issue) =>
    // A typo'd key is reported by zod on the parent; name the key itself, as a caller would look for it.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'is not a known field' }))
      : [{ path: formatPath(issue.path), message: missing(issue) && !issue.message.startsWith('is required') ? 'is required' : issue.message }],
  );
}

/** A field left out: zod says "expected string, received undefined" (or a union's own text), the caller needs
 *  "is required". Needs the issue's input, which `parseInput` asks zod to report. */
function missing(issue: z.core.$ZodIssue): boolean {
  return (issue.code === 'invalid_type' || issue.code === 'invalid_union') && 'input' in issue && issue.input === undefined;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** How deep caller input (filters, `where` trees, checkpoints) may nest: far past any real query, far short of the stack. */
export const MAX_INPUT_DEPTH = 64;

/**
 * Refuses input nested deeper than `MAX_INPUT_DEPTH` with `FilterValidationError`, before anything recursive
 * (zod, JSON, our own walkers) can overflow the stack. Iterative; only plain objects and arrays are walked, each
 * once, so class instances (a dispatcher, a signal) and cycles cost nothing.
 */
export function checkDepth(input: unknown, what: string, path = ''): void {
  const seen = new Set<object>();
  const stack: Array<[unknown, number]> = [[input, 0]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    const proto = Object.getPrototypeOf(value) as unknown;
    if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) continue;
    seen.add(value);
    if (depth >= MAX_INPUT_DEPTH) {
      throw new FilterValidationError(what, [{ path, message: `nests deeper than ${MAX_INPUT_DEPTH} levels` }]);
    }
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
}

/** Parses caller input or throws `FilterValidationError` (or the subclass `error` makes) naming every bad field. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
  error: new (what: string, issues: Issue[]) => FilterValidationError = FilterValidationError,
): z.output<S> {
  checkDepth(input, what);
  const result = schema.safeParse(input, { reportInput: true });
  if (!result.success) throw new error(what, toIssues(result.error));
  return result.data;
}

/**
 * Checks a provider's 2xx body against its schema and returns **the body itself**, not zod's copy: `raw` must
 * be the record exactly as received (unknown fields and key order included). Response schemas are therefore
 * plain (stripping) objects without transforms, which zod checks reading only the keys it knows — about a third
 * faster per record than a loose schema that copies every unknown key. Throws `ResponseValidationError` with
 * the path of the first bad node.
 */
export function parseResponse<S extends z.ZodType>(schema: S, body: unknown, provider: ProviderName, path: string): z.output<S> {
  const result = schema.safeParse(body);
  if (!result.success) throw new ResponseValidationError(provider, path, toIssues(result.error));
  return body as z.output<S>;
}

/** One array schema per record schema, built once. */
const arrays = new WeakMap<z.ZodType, z.ZodType>();

/**
 * Checks each record of a page on its own: a good page costs one array check; a page holding a bad record yields
 * the good records as they are and the bad one as an `InvalidRecord` (its error names `field[index].path`), so
 * the stream can apply `onInvalidRecord` instead of failing the whole page.
 */
export function parseRecords<S extends z.ZodType>(
  schema: S,
  records: readonly unknown[],
  provider: ProviderName,
  path: string,
  /** Where record `index` sits in the body: `'results'` gives `results[3]`; a function gives anything. */
  field: string | ((index: number) => string),
): Array<z.output<S> | InvalidRecord> {
  let array = arrays.get(schema);
  if (!array) arrays.set(schema, (array = schema.array()));
  const all = array.safeParse(records);
  if (all.success) return records as Array<z.output<S>>;
  return records.map((record, index) => {
    const result = schema.safeParse(record);
    if (result.success) return record as z.output<S>;
    const issues = toIssues(result.error).map((issue) => ({ ...issue, path: `${typeof field === 'string' ? `${field}[${index}]` : field(index)}${issue.path ? `.${issue.path}` : ''}` }));
    return new InvalidRecord(record, issues, new ResponseValidationError(provider, path, issues));
  });
}
