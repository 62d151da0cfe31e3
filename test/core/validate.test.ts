import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { acceptsOf, InvalidRecord, parseRecords } from '../../src/core/validate.js';

// A record schema of the kinds providers use: required and optional leaves, nullish ones, and a refine.
const text = z.string().nullish();
const int = z.number().int().nullish();
const recordSchema = z
  .object({
    id: z.string(),
    request_time: z.number().int(),
    score: z.number(),
    flagged: z.boolean(),
    path: text,
    status_code: int,
    note: z.string().nullable(),
    tag: z.string().optional(),
  })
  .refine((r) => Math.abs(r.request_time) <= 8.64e15, { path: ['request_time'], message: 'is not a valid instant' });

const valid = { id: 'a', request_time: 1_700_000_000_000, score: 0.5, flagged: false, path: '/x', status_code: 403, note: null, tag: 't', extra: { any: 1 } };
const ABSENT = Symbol('absent');
const values: unknown[] = [ABSENT, undefined, null, '', 'x', 0, -0, 1, 1.5, -7, NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 53), 2 ** 53 - 1, 8.7e15, true, false, {}, [], [1], new Date(0)];

/** A seeded generator (mulberry32), so a failure names a case that can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutants(n: number, seed: number): unknown[] {
  const next = random(seed);
  const keys = Object.keys(valid);
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const record: Record<string, unknown> = { ...valid };
    // Mostly one or two fields off, so the object-level rules (the refine, required keys) are reached too.
    const edits = next() < 0.3 ? 0 : 1 + Math.floor(next() * 2);
    for (let e = 0; e < edits; e++) {
      const key = keys[Math.floor(next() * keys.length)]!;
      const value = values[Math.floor(next() * values.length)];
      if (value === ABSENT) delete record[key];
      else record[key] = value;
    }
    out.push(record);
  }
  return [...out, null, undefined, 'record', 7, [], [valid], Object.create(null)];
}

describe('parseRecords: the mirror of zod’s rules', () => {
  it('covers a flat record schema with a refine', () => {
    expect(acceptsOf(recordSchema)).toBeTypeOf('function');
  });

  it('accepts exactly what zod accepts, record by record (5 000 seeded mutants)', () => {
    const accepts = acceptsOf(recordSchema)!;
    for (const [index, record] of mutants(5_000, 8).entries()) {
      const zod = recordSchema.safeParse(record).success;
      if (accepts(record) !== zod) throw new Error(`mutant ${index} (seed 8): the mirror says ${!zod}, zod says ${zod}: ${String(JSON.stringify(record))}`);
    }
  });

  it('pages with bad records come out as zod decides: the same records flagged, the same issues', () => {
    const records = mutants(600, 11);
    const zodOnly = records.map((record) => recordSchema.safeParse(record));
    for (let from = 0; from < records.length; from += 4) {
      const page = records.slice(from, from + 4);
      const out = parseRecords(recordSchema, page, 'gcore', '/p', 'results');
      out.forEach((item, i) => {
        const reference = zodOnly[from + i]!;
        expect(item instanceof InvalidRecord).toBe(!reference.success);
        if (item instanceof InvalidRecord) expect(item.issues.length).toBeGreaterThan(0);
        else expect(item).toBe(page[i]); // the record as received, not a copy
      });
    }
  });

  it('a good page is the very array it was given', () => {
    const page = [valid, { ...valid, id: 'b', tag: undefined, path: undefined }];
    expect(parseRecords(recordSchema, page, 'gcore', '/p', 'results')).toBe(page);
  });

  it('the refine sees zod’s copy: the known keys present, not the unknown ones', () => {
    const seen: string[][] = [];
    const schema = z.object({ id: z.string(), tag: z.string().optional() }).refine((r) => (seen.push(Object.keys(r)), true));
    expect(acceptsOf(schema)!({ id: 'a', extra: 1 })).toBe(true);
    expect(acceptsOf(schema)!({ extra: 1, tag: undefined, id: 'a' })).toBe(true);
    seen.push(['zod:']);
    schema.parse({ id: 'a', extra: 1 });
    schema.parse({ extra: 1, tag: undefined, id: 'a' });
    expect(seen).toEqual([['id'], ['id', 'tag'], ['zod:'], ['id'], ['id', 'tag']]);
  });

  it('an asynchronous refine is left to zod, which refuses it in a synchronous parse as before', () => {
    const schema = z.object({ id: z.string() }).refine(async () => true);
    expect(acceptsOf(schema)!({ id: 'a' })).toBe(false);
    expect(() => parseRecords(schema, [{ id: 'a' }], 'gcore', '/p', 'results')).toThrow();
  });

  it('leaves every other schema to zod', () => {
    const others: z.ZodType[] = [
      z.object({ n: z.int() }), // a schema that is its own check
      z.object({ e: z.email() }),
      z.object({ s: z.string().min(1) }),
      z.object({ n: z.number().min(0) }),
      z.object({ n: z.coerce.number() }),
      z.object({ s: z.string().default('x') }),
      z.object({ s: z.string().transform((s) => s.length) }),
      z.object({ o: z.object({ a: z.string() }) }),
      z.object({ a: z.array(z.string()) }),
      z.object({ u: z.union([z.string(), z.number()]) }),
      z.object({ s: z.string().exactOptional() }),
      z.object({ s: z.string().nullish().refine(() => true) }),
      z.object({ u: z.unknown() }),
      z.strictObject({ a: z.string() }),
      z.looseObject({ a: z.string() }),
      z.object({ a: z.string() }).refine(() => true, { when: () => true }),
      z.object({ a: z.string() }).superRefine(() => undefined),
      z.string(),
      z.array(z.object({ a: z.string() })),
    ];
    for (const schema of others) expect(acceptsOf(schema)).toBeNull();
  });
});

describe('acceptsOf: schemas and values at the edge', () => {
  it('leaves a record schema with a raw .check() to zod instead of throwing', () => {
    const schema = z.object({ id: z.string() }).check((ctx) => {
      if (ctx.value.id === 'bad') ctx.issues.push({ code: 'custom', message: 'bad id', input: ctx.value });
    });
    expect(acceptsOf(schema)).toBeNull();
    const out = parseRecords(schema, [{ id: 'ok' }, { id: 'bad' }], 'gcore', '/p', 'results');
    expect(out[0]).toEqual({ id: 'ok' });
    expect(out[1]).toBeInstanceOf(InvalidRecord);
  });

  it('reads each key once, so a getter answering differently cannot pass the mirror and fail zod', () => {
    const flaky = () => {
      let reads = 0;
      return Object.defineProperty({}, 'x', { enumerable: true, get: () => (reads++ === 0 ? -1 : 2) });
    };
    const schema = z.object({ x: z.number() }).refine((r) => r.x > 0);
    expect(acceptsOf(schema)!(flaky())).toBe(false);
  });
});
