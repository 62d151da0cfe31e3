import { z } from 'zod';
import { FilterValidationError } from './errors.js';

export type Query = ReadonlyArray<readonly [string, string]>;

/** Most gateways and proxies refuse a request line past 8 KiB (431 or 414); past that, a request cannot succeed. */
export const MAX_URL_BYTES = 8192;
const VALUE_CHARS = 60;
const QUERY_CHARS = 300;

/** `baseUrl + path + ?query`, refused before sending when longer than a gateway accepts, naming the longest field. */
export function buildUrl(baseUrl: string, path: string, query: Query): string {
  const search = query.length ? `?${new URLSearchParams(query as [string, string][]).toString()}` : '';
  const url = `${baseUrl}${path}${search}`;
  if (url.length > MAX_URL_BYTES) {
    let longest: readonly [string, string] | undefined;
    for (const pair of query) if (!longest || encodedLength(pair) > encodedLength(longest)) longest = pair;
    const field = longest?.[0] ?? 'path';
    throw new FilterValidationError('request', [
      {
        path: field,
        message: `makes the URL ${url.length} bytes long, over the ${MAX_URL_BYTES} a gateway accepts (this field is ${longest ? encodedLength(longest) : path.length} bytes encoded): narrow it or split the read`,
      },
    ]);
  }
  return url;
}

/** How a request is named in errors and logs: host, path and the query decoded and shortened (`a.example/x?start=…`). */
export function describeRequest(baseUrl: string, path: string, query: Query): string {
  const base = new URL(baseUrl);
  const parts = query.map(([key, value]) => `${key}=${value.length > VALUE_CHARS ? `${value.slice(0, VALUE_CHARS)}…` : value}`);
  let search = parts.join('&');
  if (search.length > QUERY_CHARS) search = `${search.slice(0, QUERY_CHARS)}…`;
  return `${base.host}${base.pathname.replace(/\/+$/, '')}${path}${search ? `?${search}` : ''}`;
}

function encodedLength([key, value]: readonly [string, string]): number {
  return new URLSearchParams([[key, value]]).toString().length;
}

/** Loopback hosts may be plain http (a local proxy, a test server); anything else must be https. */
export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** A base URL a credential may be sent to: https, or plain http only to a loopback address. */
export function secureOrigin(url: string): boolean {
  const parsed = new URL(url);
  return parsed.protocol === 'https:' || (parsed.protocol === 'http:' && isLoopback(parsed.hostname));
}
export const SECURE_ORIGIN_MESSAGE = 'must be https (plain http only on a loopback address: 127.0.0.0/8, localhost, [::1]), so the credential is never sent unencrypted';

/**
 * One path segment taken from the caller (an account or project id): unreserved characters only, and never `.`
 * or `..`, which a server or proxy would resolve to another path. Percent-encoding still applies when it is joined.
 */
export function pathSegmentSchema(what: string) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? `is required (${what})` : `must be a string (${what})`) })
    .min(1, `must not be empty (${what})`)
    .max(128, `is too long (${what}, at most 128 characters)`)
    .regex(/^[A-Za-z0-9._~-]+$/, `must be ${what}: letters, digits and . _ ~ - only (no slashes, spaces or control characters)`)
    .refine((value) => value !== '.' && value !== '..', `must be ${what}, not a "." or ".." path segment`);
}
