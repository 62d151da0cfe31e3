import type { z } from 'zod';
import { FilterValidationError, ResponseValidationError, type Issue, type Provider } from './errors.js';

/** Turns zod issues into our flat `{ path, message }` form: `countries[2]: Invalid string: must match …`. */
export function toIssues(error: z.ZodError): Issue[] {
  return error.issues.flatMap((issue) =>
    // A typo'd key is reported by zod on the parent; name the key itself, as a caller would look for it.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'is not a known field' }))
      : [{ path: formatPath(issue.path), message: issue.message }],
  );
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** Parses caller input or throws `FilterValidationError` naming every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new FilterValidationError(what, toIssues(result.error));
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
