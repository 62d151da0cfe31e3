/**
 * The error hierarchy, in one file (as undici keeps its own). Every class sets a literal `name`, and every
 * exported guard accepts `instanceof || name ===`, so checks work across two copies of the package.
 *
 * No error here ever holds a request's headers: a key or token cannot leak through `message`, `stack`,
 * `cause`, `toString()`, `JSON.stringify` or `util.inspect`.
 */

/** A provider's name as its definition registers it (the public `Provider` union is derived in the registry). */
export type ProviderName = string;

/** Marks our errors across copies of the package (Symbol.for is process-wide), so a guard matching by `name`
 *  cannot mistake a platform `DOMException` named `TimeoutError` for ours. */
const BRAND = Symbol.for('wafstream.error');

/** One problem found by a zod schema: where it is (`path`) and which rule it broke (`message`). */
export interface Issue {
  readonly path: string;
  readonly message: string;
}

const BODY_EXCERPT_CHARS = 300;

export class WafstreamError extends Error {
  override name: string = 'WafstreamError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }

  /** A plain view for logs and `JSON.stringify`: no stack, no cause chain, nothing secret. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this)) if (key !== 'cause') out[key] = value;
    return { name: this.name, message: this.message, ...out };
  }
}

/** The caller's input broke a rule. Thrown before any request is sent. */
export class FilterValidationError extends WafstreamError {
  override name: 'FilterValidationError' | 'ClientOptionsError' = 'FilterValidationError';
  readonly issues: readonly Issue[];

  constructor(what: string, issues: readonly Issue[]) {
    super(`Invalid ${what}: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`);
    this.issues = issues;
  }
}

/** A client option (credentials included) broke a rule: thrown by `create…Client`, before any request. A
 *  `FilterValidationError` subclass, so code that catches bad input catches it too. */
export class ClientOptionsError extends FilterValidationError {
  override name = 'ClientOptionsError' as const;
}

export interface ApiErrorInit {
  provider: ProviderName;
  status: number;
  method: string;
  /** Path and query only: the base URL's host is the caller's business, and no secret lives in the URL. */
  path: string;
  /** How the message names the request: host, path and a decoded, shortened query. Defaults to `path`. */
  target?: string | undefined;
  requestId?: string | undefined;
  body?: string | undefined;
  retryAfterMs?: number | undefined;
}

/** The provider answered with an error status. */
export class ApiError extends WafstreamError {
  override name: string = 'ApiError';
  readonly provider: ProviderName;
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly requestId: string | undefined;
  /** The first few hundred characters of the response body. */
  readonly bodyExcerpt: string;
  /** The provider's `Retry-After`, in ms, when it sent one (429, 503). */
  readonly retryAfterMs: number | undefined;

  constructor(init: ApiErrorInit, detail?: string) {
    const excerpt = excerptOf(init.body);
    const id = init.requestId ? ` (request id ${init.requestId})` : '';
    super(`${init.provider} answered ${init.status} to ${init.method} ${init.target ?? init.path}${id}${detail ? `: ${detail}` : ''}${excerpt ? ` — ${excerpt}` : ''}`);
    this.provider = init.provider;
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.requestId = init.requestId;
    this.bodyExcerpt = excerpt;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** 401 or 403: the key is wrong, expired, or lacks the permission. Never retried. */
export class AuthenticationError extends ApiError {
  override name = 'AuthenticationError' as const;
}

/** 404: the record or account does not exist. Never retried. */
export class NotFoundError extends ApiError {
  override name = 'NotFoundError' as const;
}

/** 429, after every retry. `retryAfterMs` is the provider's last `Retry-After`, when it sent one. */
export class RateLimitError extends ApiError {
  override name = 'RateLimitError' as const;
}

/** 5xx, after every retry. */
export class ServerError extends ApiError {
  override name = 'ServerError' as const;
}

/** The provider answered 2xx with a body that does not match its documented shape. Never retried. */
export class ResponseValidationError extends WafstreamError {
  override name = 'ResponseValidationError' as const;
  readonly provider: ProviderName;
  readonly path: string;
  readonly issues: readonly Issue[];
  /** The response's `content-type`, when the body could not be read as JSON at all. */
  readonly contentType: string | undefined;
  /** The first few hundred characters of a body that is not JSON, credentials redacted. */
  readonly bodyExcerpt: string | undefined;

  constructor(provider: ProviderName, path: string, issues: readonly Issue[], body?: { contentType?: string | undefined; text?: string | undefined }) {
    const excerpt = body?.text === undefined ? undefined : excerptOf(body.text);
    const what = body ? ` (content type ${body.contentType || 'none'})${excerpt ? ` — ${JSON.stringify(excerpt)}` : ''}` : '';
    super(`${provider} answered ${path} with an unexpected shape: ${issues.slice(0, 5).map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}${what}`);
    this.provider = provider;
    this.path = path;
    this.issues = issues;
    this.contentType = body?.contentType;
    this.bodyExcerpt = excerpt;
  }
}

/** The connection failed, was reset, or the body ended early. Retried. */
export class ConnectionError extends WafstreamError {
  override name = 'ConnectionError' as const;
  readonly provider: ProviderName;
  readonly code: string | undefined;

  constructor(provider: ProviderName, message: string, options?: { cause?: unknown; code?: string | undefined }) {
    super(message, { cause: options?.cause });
    this.provider = provider;
    this.code = options?.code;
  }
}

/** One attempt took longer than `timeoutMs`. Retried. */
export class TimeoutError extends WafstreamError {
  override name = 'TimeoutError' as const;
  readonly provider: ProviderName;
  readonly timeoutMs: number;

  constructor(provider: ProviderName, path: string, timeoutMs: number) {
    super(`${provider}: GET ${path} took longer than ${timeoutMs} ms`);
    this.provider = provider;
    this.timeoutMs = timeoutMs;
  }
}

/** Paging could not go on without losing or repeating records (a repeating cursor, too many records in one instant). */
export class PaginationError extends WafstreamError {
  override name = 'PaginationError' as const;
}

/** `toArray()` would have grown past its cap. */
export class LimitExceededError extends WafstreamError {
  override name = 'LimitExceededError' as const;
}

Object.defineProperty(WafstreamError.prototype, BRAND, { value: true });

function excerptOf(body: string | undefined): string {
  if (!body) return '';
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > BODY_EXCERPT_CHARS ? `${flat.slice(0, BODY_EXCERPT_CHARS)}…` : flat;
}

function guard<T extends WafstreamError>(cls: abstract new (...args: never[]) => T, ...names: string[]) {
  return (error: unknown): error is T =>
    error instanceof cls || (error instanceof Error && (error as Partial<Record<typeof BRAND, true>>)[BRAND] === true && names.includes(error.name));
}

export const isWafstreamError = guard(WafstreamError, 'WafstreamError', 'FilterValidationError', 'ClientOptionsError', 'ApiError',
  'AuthenticationError', 'NotFoundError', 'RateLimitError', 'ServerError', 'ResponseValidationError',
  'ConnectionError', 'TimeoutError', 'PaginationError', 'LimitExceededError');
export const isFilterValidationError = guard(FilterValidationError, 'FilterValidationError', 'ClientOptionsError');
export const isClientOptionsError = guard(ClientOptionsError, 'ClientOptionsError');
export const isApiError = guard(ApiError, 'ApiError', 'AuthenticationError', 'NotFoundError', 'RateLimitError', 'ServerError');
export const isAuthenticationError = guard(AuthenticationError, 'AuthenticationError');
export const isNotFoundError = guard(NotFoundError, 'NotFoundError');
export const isRateLimitError = guard(RateLimitError, 'RateLimitError');
export const isServerError = guard(ServerError, 'ServerError');
export const isResponseValidationError = guard(ResponseValidationError, 'ResponseValidationError');
export const isConnectionError = guard(ConnectionError, 'ConnectionError');
export const isTimeoutError = guard(TimeoutError, 'TimeoutError');
export const isPaginationError = guard(PaginationError, 'PaginationError');
export const isLimitExceededError = guard(LimitExceededError, 'LimitExceededError');
