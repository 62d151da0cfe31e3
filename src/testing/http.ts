/**
 * The small vocabulary the simulator is written in: standard Fetch `Request`/`Response` (global in Node 20), so the
 * fakes need no msw at runtime and any bridge (node:http, msw, an undici Dispatcher) can serve them.
 */

/** Answers one request. Every fake and the simulator as a whole are one of these. */
export type RequestHandlerFn = (request: Request) => Promise<Response>;

/** Called first for every request with its 1-based number; a Response returned is sent instead of the answer. */
export type Intercept = (request: Request, n: number) => Response | undefined | Promise<Response | undefined>;

/** One endpoint: a GET path pattern with `:name` segments (msw's syntax) and its handler. */
export interface Route {
  readonly method: 'GET';
  /** Path pattern, for instance `/v2/mcc/customers/:account/waf/eventlogs`. */
  readonly path: string;
  readonly handle: RequestHandlerFn;
}

/** A compiled matcher: the path's named parameters, or undefined when the path does not match. */
export function pathMatcher(pattern: string): (pathname: string) => Record<string, string> | undefined {
  const names: string[] = [];
  const source = pattern
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  const regex = new RegExp(`^${source}/?$`);
  return (pathname) => {
    const match = regex.exec(pathname);
    if (!match) return undefined;
    const params: Record<string, string> = {};
    names.forEach((name, i) => (params[name] = decodeURIComponent(match[i + 1]!)));
    return params;
  };
}

/** The named parameters of `request`'s path under `pattern` (empty when it does not match). */
export function pathParams(pattern: string, request: Request): Record<string, string> {
  return pathMatcher(pattern)(new URL(request.url).pathname) ?? {};
}

/** One handler over several routes: the first whose method and path match answers; 404 otherwise. */
export function routeRequests(routes: readonly Route[]): RequestHandlerFn {
  const compiled = routes.map((route) => ({ route, match: pathMatcher(route.path) }));
  return async (request) => {
    const { pathname } = new URL(request.url);
    const hit = compiled.find(({ route, match }) => route.method === request.method && match(pathname));
    return hit ? hit.route.handle(request) : json({ error: `no such endpoint: ${request.method} ${pathname}` }, { status: 404 });
  };
}

/** A JSON response (Response.json, with an explicit content type that callers may override). */
export function json(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  return new Response(JSON.stringify(body), { ...init, headers });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** An integer query parameter, the fallback when absent, undefined when not a non-negative integer. */
export function intParam(value: string | null, fallback: number): number | undefined {
  if (value === null) return fallback;
  return /^\d+$/.test(value) ? Number(value) : undefined;
}
