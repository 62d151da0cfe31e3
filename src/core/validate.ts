import type { z } from 'zod';
import { FilterValidationError, ResponseValidationError, type Issue, type Provider } from './errors.js';

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

/** Parses caller input or throws `FilterValidationError` (or the subclass `error` makes) naming every bad field. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
  error: new (what: string, issues: Issue[]) => FilterValidationError = FilterValidationError,
): z.output<S> {
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
export function parseResponse<S extends z.ZodType>(schema: S, body: unknown, provider: Provider, path: string): z.output<S> {
  const result = schema.safeParse(body);
  if (!result.success) throw new ResponseValidationError(provider, path, toIssues(result.error));
  return body as z.output<S>;
}
