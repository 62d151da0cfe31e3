import { describe, expect, it } from 'vitest';
import { createRedactor, redactDeep, REDACTED } from '../../src/core/redact.js';

const KEY = 'sk_live_s3cret-token/+value';

describe('createRedactor', () => {
  const redact = createRedactor([KEY]);

  it.each([
    ['exact', KEY],
    ['JSON-escaped', JSON.stringify(KEY).slice(1, -1)],
    ['JSON \\u-escaped', [...KEY].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')],
    ['percent-encoded, upper-case hex', encodeURIComponent(KEY)],
    ['percent-encoded, lower-case hex', encodeURIComponent(KEY).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
    ['percent-encoded, every byte', [...Buffer.from(KEY)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('')],
    ['form-encoded', new URLSearchParams({ k: KEY }).toString().slice(2)],
    ['base64', Buffer.from(KEY).toString('base64')],
    ['base64url', Buffer.from(KEY).toString('base64url')],
    ['upper-cased', KEY.toUpperCase()],
    ['lower-cased', KEY.toLowerCase()],
  ])('removes the %s form, inside other text', (_, form) => {
    const out = redact(`before ${form} after`);
    expect(out).toBe(`before ${REDACTED} after`);
  });

  it.each(['', 'B', 'Be', 'Bearer ', 'APIKey '])('removes the key from base64 of "%s" + key + anything, at every alignment', (prefix) => {
    for (const suffix of ['', 'x', 'xy', '"}']) {
      const encoded = Buffer.from(`${prefix}${KEY}${suffix}`).toString('base64');
      const out = redact(encoded);
      expect(out).toContain(REDACTED);
      // What is left cannot be decoded back to the key.
      expect(Buffer.from(out.replace(REDACTED, ''), 'base64').toString()).not.toContain(KEY.slice(3, -3));
    }
  });

  it('leaves ordinary text alone and handles no secrets', () => {
    expect(redact('hello world, sk_live is a prefix')).toBe('hello world, sk_live is a prefix');
    expect(createRedactor(['', ''])('anything')).toBe('anything');
  });

  it('redacts every string in nested log details', () => {
    expect(redactDeep({ a: [KEY, 1, { b: `x${KEY}` }], e: new Error(KEY) }, redact)).toEqual({
      a: [REDACTED, 1, { b: `x${REDACTED}` }],
      e: `Error: ${REDACTED}`,
    });
  });
});
