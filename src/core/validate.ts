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
 *
 * A flat record schema (see `acceptsOf`) is first checked by a mirror of zod's own rules that builds nothing:
 * zod builds an output copy of every record and a result object for every field, which we throw away, since the
 * record is returned as received. Only a page the mirror does not accept whole goes through zod, so every issue
 * and every refusal is zod's own.
 */
export function parseRecords<S extends z.ZodType>(
  schema: S,
  records: readonly unknown[],
  provider: ProviderName,
  path: string,
  /** Where record `index` sits in the body: `'results'` gives `results[3]`; a function gives anything. */
  field: string | ((index: number) => string),
): Array<z.output<S> | InvalidRecord> {
  const accepts = acceptsOf(schema);
  if (accepts && Array.isArray(records) && records.every(accepts)) return records as Array<z.output<S>>;
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

/** Whether zod would accept a value: true only when sure; false sends the page to zod, which decides. */
type Accepts = (value: unknown) => boolean;

const accepting = new WeakMap<z.ZodType, Accepts | null>();

/** The mirror of `schema`, built once; null when the schema uses anything the mirror does not cover. */
export function acceptsOf(schema: z.ZodType): Accepts | null {
  let accepts = accepting.get(schema);
  if (accepts === undefined) accepting.set(schema, (accepts = mirrorObject(schema)));
  return accepts;
}

/** zod's internals, as far as the mirror reads them. */
interface Internals {
  def: {
    type: string;
    coerce?: boolean;
    checks?: Array<{ _zod: Internals }>;
    innerType?: { _zod: Internals };
    shape?: Record<string, { _zod: Internals }>;
    catchall?: unknown;
    check?: string;
    format?: string;
    when?: unknown;
    fn?: (value: unknown) => unknown;
  };
  traits: Set<string>;
  optin?: string;
  optout?: string;
}

const internals = (schema: unknown): Internals | undefined => (schema as { _zod?: Internals } | null)?._zod;

/**
 * A plain (stripping) object of leaf fields, with `.refine` checks at most: what a provider's record schema is.
 * Unknown keys pass (zod strips them from its copy, which we do not use). A key must pass its leaf; an absent key
 * reads as undefined, which only an optional leaf accepts (zod: "nonoptional" for a required key). A refine sees
 * what zod's would: a copy holding the known keys that are present, in the shape's order; a refine that answers
 * with a promise is left to zod. The check is compiled to code with the keys spelled out, as zod compiles its own
 * parser: a loop over keys would make every property read a generic lookup and cost as much as zod. Where code
 * cannot be compiled (a policy forbidding `new Function`), zod does it all.
 */
function mirrorObject(schema: z.ZodType): Accepts | null {
  const zod = internals(schema);
  if (!zod || zod.def.type !== 'object' || !zod.traits.has('$ZodObject') || zod.traits.has('$ZodCheck') || zod.def.catchall !== undefined) return null;
  const shape = zod.def.shape;
  if (!shape || Object.getOwnPropertySymbols(shape).length) return null;
  const tests: string[] = [];
  const copies: string[] = [];
  for (const key of Object.keys(shape)) {
    const child = internals(shape[key]);
    const leaf = child && key !== '__proto__' ? mirrorLeaf(child) : null;
    if (!leaf || !child) return null;
    const optional = child.optin === 'optional' && child.optout === 'optional';
    if (!optional && (child.optin !== undefined || child.optout !== undefined)) return null;
    const k = JSON.stringify(key);
    tests.push(`v = r[${k}]; if (!(${leaf})) return false;`);
    // The refine's copy takes the value just tested (one read per key: a getter cannot answer twice differently).
    copies.push(optional ? `v = r[${k}]; if (!(${leaf})) return false; if (v !== undefined || ${k} in r) c[${k}] = v;` : `v = r[${k}]; if (!(${leaf})) return false; c[${k}] = v;`);
  }
  const refines: Array<(value: unknown) => unknown> = [];
  for (const check of zod.def.checks ?? []) {
    const c = check._zod;
    // A raw `.check(fn)` has no traits: anything but a plain refine is zod's business.
    if (c?.def?.check !== 'custom' || !c.traits?.has('$ZodCustom') || c.def.when !== undefined || typeof c.def.fn !== 'function') return null;
    refines.push(c.def.fn);
  }
  const body = [
    'if (typeof r !== "object" || r === null || Array.isArray(r)) return false;',
    'let v;',
    ...(refines.length
      ? ['const c = {};', ...copies, 'for (let i = 0; i < refines.length; i++) { const ok = refines[i](c); if (!ok || ok instanceof Promise) return false; }']
      : tests),
    'return true;',
  ].join('\n');
  try {
    return new Function('refines', `return function accepts(r) {\n${body}\n};`)(refines) as Accepts;
  } catch {
    return null;
  }
}

/**
 * The test of one leaf as an expression over `v`: a string, a finite number (an integer in the safe range with
 * `.int()`), a boolean, or those made optional or nullable. Null for anything else.
 */
function mirrorLeaf(zod: Internals): string | null {
  const { def, traits } = zod;
  // A schema that is its own check (`z.int()`, a string format) carries rules the mirror does not read.
  if (traits.has('$ZodCheck') || def.coerce) return null;
  const checks = def.checks ?? [];
  if (def.type === 'number' && traits.has('$ZodNumber')) {
    if (checks.length === 0) return 'typeof v === "number" && Number.isFinite(v)';
    const safeint = checks.every((c) => c._zod.def.check === 'number_format' && c._zod.def.format === 'safeint' && c._zod.def.when === undefined);
    return safeint ? 'Number.isSafeInteger(v)' : null;
  }
  if (checks.length) return null;
  if (def.type === 'string' && traits.has('$ZodString')) return 'typeof v === "string"';
  if (def.type === 'boolean' && traits.has('$ZodBoolean')) return 'typeof v === "boolean"';
  const inner = internals(def.innerType);
  if (def.type === 'optional' && traits.has('$ZodOptional') && !traits.has('$ZodExactOptional') && inner && inner.optin !== 'defaulted') {
    const test = mirrorLeaf(inner);
    return test && `(v === undefined || ${test})`;
  }
  if (def.type === 'nullable' && traits.has('$ZodNullable') && inner) {
    const test = mirrorLeaf(inner);
    return test && `(v === null || ${test})`;
  }
  return null;
}
