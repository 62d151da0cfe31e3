/**
 * Removes credentials from anything a response can put in front of a person: header values, body excerpts, URLs,
 * error messages, log lines. A gateway that echoes a key rarely echoes it verbatim, so every secret is matched in
 * each form it is commonly re-encoded to: exact, JSON-escaped, percent-encoded (upper- or lower-case hex, every
 * byte or only the reserved ones, `+` for space), base64 and base64url at any byte alignment, and any letter case.
 */

export const REDACTED = '[redacted]';

/** Shorter fragments would redact ordinary words; a whole secret is always matched, however short. */
const MIN_FRAGMENT = 8;

export type Redactor = (text: string) => string;

/** A redactor for these secrets (empty ones are ignored). Build it once per client: the pattern is compiled here. */
export function createRedactor(secrets: readonly string[]): Redactor {
  const forms = new Set<string>();
  for (const secret of secrets) if (secret) for (const form of formsOf(secret)) forms.add(form);
  if (!forms.size) return (text) => text;
  // Longest first, so a form that contains another is replaced whole.
  const alternatives = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const pattern = new RegExp(alternatives.join('|'), 'gi');
  return (text) => (text ? text.replace(pattern, REDACTED) : text);
}

/** Redacts every string inside a log line's details (nested objects and arrays included), leaving the rest. */
export function redactDeep(value: unknown, redact: Redactor, depth = 0): unknown {
  if (typeof value === 'string') return redact(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return redact(`${value.name}: ${value.message}`);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redact, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = redactDeep(item, redact, depth + 1);
  return out;
}

function formsOf(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = [
    secret,
    JSON.stringify(secret).slice(1, -1),
    // JSON inside JSON (an error detail quoting a request body) escapes twice.
    JSON.stringify(JSON.stringify(secret).slice(1, -1)).slice(1, -1),
    encodeURIComponent(secret),
    new URLSearchParams([['', secret]]).toString().slice(1),
    [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''),
    ...base64Fragments(bytes, 'base64'),
    ...base64Fragments(bytes, 'base64url'),
  ];
  // Upper/lower-case forms are matched by the case-insensitive pattern; JSON can also escape every character.
  forms.push([...secret].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''));
  return forms.filter((form, i) => i === 0 || form.length >= Math.min(MIN_FRAGMENT, secret.length));
}

/**
 * The part of base64(…prefix + secret + suffix…) that depends on the secret alone, for each of the three byte
 * alignments the secret can sit at: a gateway that base64-encodes `Bearer <key>` contains none of base64(key).
 */
function base64Fragments(bytes: Buffer, encoding: 'base64' | 'base64url'): string[] {
  const out = [bytes.toString(encoding).replace(/=+$/, '')];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString(encoding);
    // Character k carries bits 6k..6k+5: keep those that come from the secret's bytes only.
    const bits = 8 * (shift + bytes.length);
    const fragment = encoded.slice(Math.ceil((8 * shift) / 6), Math.floor((bits - 6) / 6) + 1);
    if (fragment.length >= MIN_FRAGMENT) out.push(fragment);
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
