import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { digestOf, fingerprint, readCheckpoint } from '../../src/core/checkpoint.js';
import { isFilterValidationError } from '../../src/core/errors.js';

const seal = (position: z.core.util.JSONType, query = fingerprint({ a: 1 })) => {
  const body = { v: 1 as const, source: 's.x', query, position };
  return { ...body, digest: digestOf(body) };
};

describe('checkpoint', () => {
  it('fingerprints a query whatever its key order, dates by instant, undefined fields ignored', () => {
    expect(fingerprint({ a: 1, b: new Date(5) })).toBe(fingerprint({ b: new Date(5), a: 1, c: undefined }));
    expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ a: 2 }));
  });

  it('reads back a sealed position, and nothing for undefined or null', () => {
    expect(readCheckpoint(seal({ n: 3 }), 's.x', fingerprint({ a: 1 }), z.object({ n: z.number() }))).toEqual({ n: 3 });
    expect(readCheckpoint(undefined, 's.x', 'q', z.unknown())).toBeUndefined();
    expect(readCheckpoint(null, 's.x', 'q', z.unknown())).toBeUndefined();
  });

  it('refuses an edited position, another source and another query', () => {
    const schema = z.object({ n: z.number() });
    const query = fingerprint({ a: 1 });
    const cases = [
      { ...seal({ n: 3 }), position: { n: 4 } },
      seal({ n: 3 }),
      seal({ n: 3 }, fingerprint({ a: 2 })),
    ];
    const sources = ['s.x', 's.y', 's.x'];
    cases.forEach((checkpoint, i) => {
      let error: unknown;
      try {
        readCheckpoint(checkpoint, sources[i]!, query, schema);
      } catch (caught) {
        error = caught;
      }
      expect(isFilterValidationError(error)).toBe(true);
    });
  });
});
