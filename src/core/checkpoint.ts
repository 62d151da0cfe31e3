import { createHash } from 'node:crypto';
import { z } from 'zod';
import { FilterValidationError } from './errors.js';
import { checkDepth } from './validate.js';

export const checkpointSchema = z.strictObject({
  v: z.literal(1),
  source: z.string(),
  /** A digest of the validated query, so a checkpoint cannot resume a different query. */
  query: z.string(),
  position: z.json(),
  /** A checksum over everything above (not a secret): an edited or truncated checkpoint is refused. */
  digest: z.string(),
});
/** A JSON-serializable position in a stream: store it anywhere, pass it back as `{ resume }`. */
export type Checkpoint = z.infer<typeof checkpointSchema>;

/**
 * Reads a caller's `resume` back into a strategy position. `undefined` and `null` mean "no resume"; anything else
 * must be an unedited checkpoint of this source and query, or `FilterValidationError` is thrown before any request.
 */
export function readCheckpoint<Pos>(checkpoint: unknown, source: string, query: string, positionSchema: z.ZodType<Pos>): Pos | undefined {
  if (checkpoint === undefined || checkpoint === null) return undefined;
  const bad = (message: string) => new FilterValidationError('resume checkpoint', [{ path: 'resume', message }]);
  checkDepth(checkpoint, 'resume checkpoint', 'resume');
  const parsed = checkpointSchema.safeParse(checkpoint);
  if (!parsed.success) throw bad('is not a wafstream checkpoint (pass undefined or null to start afresh)');
  if (parsed.data.source !== source) throw bad(`was made by ${parsed.data.source}, not ${source}`);
  if (parsed.data.query !== query) throw bad('was made for a different query; resume with the same filters');
  const position = positionSchema.safeParse(parsed.data.position);
  if (!position.success) throw bad(`has an unreadable position: ${position.error.issues[0]?.message ?? 'invalid'}`);
  const { digest, ...body } = parsed.data;
  if (digest !== digestOf(body)) throw bad('does not match its digest: it was edited or truncated; pass checkpoints back exactly as stream.checkpoint() returned them');
  return position.data;
}

/** The checksum a checkpoint carries: over its version, source, query and position. */
export function digestOf(body: Omit<Checkpoint, 'digest'>): string {
  return createHash('sha256').update(`wafstream-checkpoint:${stableJson(body)}`).digest('base64url').slice(0, 22);
}

/** A short, stable digest of a validated query: key order does not matter, dates count by their instant. */
export function fingerprint(query: unknown): string {
  return createHash('sha256').update(stableJson(query)).digest('base64url').slice(0, 22);
}

function stableJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

