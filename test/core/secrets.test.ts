/**
 * Issue 9's secrets matrix: a gateway echoes the credential (and the whole auth header) back in each encoding,
 * in a header and in a body, and the credential must appear in no place a person or a log can see, for every
 * provider and both BotBye auth modes. Over real loopback sockets.
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isResponseValidationError, isServerError } from '../../src/core/errors.js';
import type { Logger } from '../../src/core/options.js';
import { createBotByeClient } from '../../src/providers/botbye/client.js';
import { createGcoreClient } from '../../src/providers/gcore/client.js';
import { createTransactCdnClient } from '../../src/providers/transactcdn/client.js';
import { serveRaw, type RawServer } from '../support/gateways.js';

// Characters that JSON, percent-encoding and base64 all treat differently: " / + \ ~ and mixed case.
const KEY = 'sk_Live"9/x+Q\\z~Tok3nVa1ue';

const FORMS: Record<string, (s: string) => string> = {
  exact: (s) => s,
  'JSON-escaped': (s) => JSON.stringify(s).slice(1, -1),
  'percent-encoded upper': (s) => encodeURIComponent(s),
  'percent-encoded lower': (s) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
  base64: (s) => Buffer.from(s).toString('base64'),
  'upper-cased': (s) => s.toUpperCase(),
};

/** What must never be visible: the key in every form (checked case-insensitively, as a gateway may change case). */
function leaks(text: string): string[] {
  const lower = text.toLowerCase();
  return Object.entries(FORMS).filter(([, form]) => lower.includes(form(KEY).toLowerCase())).map(([name]) => name);
}

type Read = (baseUrl: string, logger: Logger) => Promise<unknown>;
const PROVIDERS: Record<string, Read> = {
  gcore: async (baseUrl, logger) => {
    const client = createGcoreClient({ apiKey: KEY, baseUrl, logger, maxRetries: 1, retryDelay: { baseMs: 1, maxMs: 1 } });
    try {
      return await client.requests({ start: '2026-11-20T00:00:00Z', end: '2026-11-20T01:00:00Z' }).toArray();
    } finally {
      await client.close();
    }
  },
  transactcdn: async (baseUrl, logger) => {
    const client = createTransactCdnClient({ token: KEY, accountNumber: '0001', baseUrl, logger, maxRetries: 1, retryDelay: { baseMs: 1, maxMs: 1 } });
    try {
      return await client.wafEvent('ev-1');
    } finally {
      await client.close();
    }
  },
  ...Object.fromEntries(
    (['bearer', 'x-api-key'] as const).map((auth) => [
      `botbye (${auth})`,
      (async (baseUrl, logger) => {
        const client = createBotByeClient({ apiKey: KEY, accountId: 'acc_1', baseUrl, auth, logger, maxRetries: 1, retryDelay: { baseMs: 1, maxMs: 1 } });
        try {
          return await client.requests({ projectId: 'proj_1' }).toArray();
        } finally {
          await client.close();
        }
      }) satisfies Read,
    ]),
  ),
};

/** Every string reachable from the error: message, stack, each field, the cause chain, JSON and inspect. */
function places(error: unknown): Record<string, string> {
  const out: Record<string, string> = {
    message: (error as Error).message,
    stack: (error as Error).stack ?? '',
    toString: String(error),
    'JSON.stringify': JSON.stringify(error),
    'util.inspect': inspect(error, { depth: 10, showHidden: true }),
  };
  for (const [key, value] of Object.entries(error as object)) out[`field ${key}`] = typeof value === 'string' ? value : inspect(value, { depth: 10 });
  let cause = (error as { cause?: unknown }).cause;
  for (let depth = 0; cause !== undefined && depth < 10; depth++) {
    out[`cause ${depth}`] = `${inspect(cause, { depth: 10, showHidden: true })} ${(cause as Error).stack ?? ''}`;
    cause = (cause as { cause?: unknown }).cause;
  }
  return out;
}

let server: RawServer;
let echo: { form: string; where: 'header' | 'body'; status: number } = { form: 'exact', where: 'body', status: 503 };

beforeAll(async () => {
  // The gateway copies the credential header it got, and the key inside it, in the form the test asks for.
  server = await serveRaw((req, res) => {
    const header = String(req.headers.authorization ?? req.headers['x-api-key']);
    const form = FORMS[echo.form]!;
    const echoed = `${form(header)} ${form(KEY)}`;
    const headers: Record<string, string> = { 'content-type': echo.status === 200 ? 'text/html' : 'application/json' };
    let body = echo.status === 200 ? '<html><body>Blocked.</body></html>' : '{"detail":"upstream unavailable"}';
    if (echo.where === 'header') {
      headers['x-request-id'] = echoed;
      if (echo.status === 200) headers['content-type'] = `text/html; token=${echoed}`;
    } else {
      // Spliced in as it is: the form (JSON-escaped, base64…) is the gateway's own doing.
      body = echo.status === 200 ? `<html><body>Blocked request with ${echoed}</body></html>` : `{"detail":"bad credentials ${echoed}"}`;
    }
    res.writeHead(echo.status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  });
});
afterAll(() => server.close());

describe.each(Object.keys(PROVIDERS))('%s', (provider) => {
  describe.each(['header', 'body'] as const)('echoed in a %s', (where) => {
    it.each(Object.keys(FORMS))('%s: the key is in no message, stack, cause, field, JSON, inspect or log line', async (form) => {
      for (const status of [503, 200]) {
        echo = { form, where, status };
        const logged: string[] = [];
        const logger: Logger = {
          debug: (message, details) => logged.push(`${message} ${JSON.stringify(details)} ${inspect(details, { depth: 10 })}`),
          warn: (message, details) => logged.push(`${message} ${JSON.stringify(details)} ${inspect(details, { depth: 10 })}`),
        };
        const error = await PROVIDERS[provider]!(server.url, logger).then(() => undefined, (e: unknown) => e);
        // The gateway really echoed, and the error really carries what it said (or this test proves nothing).
        expect(status === 503 ? isServerError(error) : isResponseValidationError(error)).toBe(true);
        expect(JSON.stringify(error)).toContain('[redacted]');
        if (status === 503) expect(logged.length).toBeGreaterThan(0);
        const found = Object.entries({ ...places(error), ...Object.fromEntries(logged.map((line, i) => [`logger call ${i}`, line])) })
          .map(([place, text]) => ({ place, forms: leaks(text) }))
          .filter((leak) => leak.forms.length);
        expect(found, `status ${status}`).toEqual([]);
      }
    });
  });
});
