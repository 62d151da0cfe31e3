import { z } from 'zod';
import { FilterValidationError } from './errors.js';
import { fingerprint } from './pager.js';

/**
 * A follow position: a time watermark plus the ids delivered at or after `through − overlapMs`, so the next read
 * can start `overlapMs` before the watermark and drop what it already delivered. It needs no inner checkpoint:
 * every poll delivers oldest first, so "everything before `through` was read" holds after each event.
 */
export const followPositionSchema = z.strictObject({
  /** Every window up to here (exclusive) was read and its events handled; ids at `through` may be partly done. */
  through: z.number().int().nonnegative(),
  /** Reads never start before this: ids older than it were dropped from `ids` to keep the set bounded. */
  floor: z.number().int().nonnegative(),
  /** Delivered ids grouped by event time (epoch ms), oldest first. */
  ids: z.array(z.tuple([z.number().int().nonnegative(), z.array(z.string())])),
});
export type FollowPosition = z.infer<typeof followPositionSchema>;

export const followCheckpointSchema = z.strictObject({
  v: z.literal(1),
  kind: z.literal('follow'),
  source: z.string(),
  /** A digest of the follow's filters: a checkpoint cannot resume a different query. */
  query: z.string(),
  position: followPositionSchema,
  /** A digest of everything above: an edited or truncated checkpoint is refused. */
  digest: z.string(),
});
/** A follow stream's JSON position, as `stream.checkpoint()` returns it and a `CheckpointStore` keeps it. */
export type FollowCheckpoint = z.infer<typeof followCheckpointSchema>;

/** Wraps a position into a checkpoint with its integrity digest. */
export function sealFollowCheckpoint(source: string, query: string, position: FollowPosition): FollowCheckpoint {
  const body = { v: 1 as const, kind: 'follow' as const, source, query, position };
  return { ...body, digest: fingerprint(body) };
}

/**
 * Reads a checkpoint back, refusing loudly one that is not a follow checkpoint, was edited, or belongs to another
 * source or query. `where` names the input in the error (`from`, a store file).
 */
export function openFollowCheckpoint(value: unknown, where: string, expect?: { source: string; query: string }): FollowCheckpoint {
  const bad = (message: string) => new FilterValidationError(where, [{ path: 'checkpoint', message }]);
  const parsed = followCheckpointSchema.safeParse(value);
  if (!parsed.success) throw bad('is not a wafstream follow checkpoint');
  const { digest, ...body } = parsed.data;
  if (fingerprint(body) !== digest) throw bad('fails its integrity digest (edited or corrupt)');
  if (expect && parsed.data.source !== expect.source) throw bad(`was made by ${parsed.data.source}, not ${expect.source}`);
  if (expect && parsed.data.query !== expect.query) throw bad('was made for different filters; follow with the same filters');
  return parsed.data;
}

/**
 * A stored checkpoint's text read back: JSON that is an untouched follow checkpoint, or `FilterValidationError`
 * (`corrupt` says what the text is: "corrupt file?", "corrupt value?"). Every checkpoint store reads through it.
 */
export function parseFollowCheckpoint(text: string, where: string, corrupt: string): FollowCheckpoint {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new FilterValidationError(where, [{ path: 'checkpoint', message: `is not JSON (${corrupt})` }]);
  }
  return openFollowCheckpoint(json, where);
}
