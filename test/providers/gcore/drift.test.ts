import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { MAX_OFFSET } from '../../../src/providers/gcore/client.js';
import { gcoreQueryBuilder, gcoreRequestsQuerySchema } from '../../../src/providers/gcore/filters.js';
import { diffConstraints, loadSpec, specQueryConstraints, zodQueryConstraints, type OpenApiDocument } from './openapi.js';

/**
 * Drift between Gcore's published contract (fixtures/gcore/waap-analytics-requests.openapi.json) and the SDK's
 * filter schema, both read mechanically: the spec's query parameters on one side, `z.toJSONSchema` of
 * `gcoreRequestsQuerySchema` on the other. Replacing the fixture with a newer spec makes this fail with one line
 * per parameter or constraint that changed.
 */

/** The SDK's view of every query parameter it sends: the filter fields, plus what the pager adds per request. */
function sdkConstraints(schema: z.ZodType = gcoreRequestsQuerySchema) {
  const sdk = zodQueryConstraints(schema);
  const sent = new Set(gcoreQueryBuilder(gcoreRequestsQuerySchema.parse({ start: 1_763_700_000_000 }))({ startMs: 0, endMs: 1 }, { offset: 0, limit: 1 }).map(([key]) => key));
  for (const key of sent) {
    if (sdk.has(key)) continue;
    // Not a filter field: the only such parameter is the pager's offset, bounded by the client's cap.
    expect(key).toBe('offset');
    sdk.set(key, zodQueryConstraints(z.object({ offset: z.number().int().min(0).max(MAX_OFFSET).optional() })).get('offset')!);
  }
  return sdk;
}

/**
 * Where the SDK is deliberately stricter than the contract, and why. Each must still be a difference: if the
 * contract catches up, the test fails until the line is removed.
 */
const DELIBERATE = [
  // A page of 0 records never advances the offset: a stream would request without bound.
  'limit.minimum: spec 0, SDK 1',
  // The SDK reads the walk direction from `ordering`, so it must be a field name with an optional '-'.
  'ordering.pattern: spec none, SDK "^-?[A-Za-z][A-Za-z0-9_]*$"',
];

describe('Gcore filter schema against the OpenAPI contract', () => {
  it('has one field per query parameter, with the same constraints (bar the deliberate ones)', () => {
    expect(diffConstraints(specQueryConstraints(loadSpec()), sdkConstraints())).toEqual(DELIBERATE);
  });

  it('sees every parameter the spec has: more than forty, the new ones included', () => {
    const spec = specQueryConstraints(loadSpec());
    expect(spec.size).toBeGreaterThan(40);
    for (const name of ['exclude_decision', 'exclude_http_methods', 'exclude_optional_action', 'exclude_path', 'exclude_request_ids', 'exclude_status_codes', 'ja4', 'exclude_ja4']) {
      expect(spec.get(name)?.list, name).toBe(true);
    }
    expect(spec.get('ja4')).toMatchObject({ maxItems: 10, pattern: '^[0-9a-zA-Z]{10}_[0-9a-fA-F]{12}_[0-9a-fA-F]{12}$' });
    expect(spec.get('decision')?.enum).toEqual(['allowed', 'blocked', 'monitored', 'passed']);
  });

  describe('reports each kind of drift in a changed spec', () => {
    const drift = (edit: (spec: OpenApiDocument) => void) => {
      const spec = loadSpec();
      edit(spec);
      return diffConstraints(specQueryConstraints(spec), sdkConstraints()).filter((line) => !DELIBERATE.includes(line));
    };
    const parameters = (spec: OpenApiDocument) => spec.paths['/waap/v1/analytics/requests']!.get.parameters;
    const schemaOf = (spec: OpenApiDocument, name: string) => parameters(spec).find((p) => p.name === name)!.schema;

    it('a new parameter', () => {
      expect(drift((spec) => parameters(spec).push({ name: 'exclude_ja5', in: 'query', schema: { type: 'array', items: { type: 'string' } } }))).toEqual([
        'exclude_ja5: in the spec, no SDK field',
      ]);
    });

    it('a removed parameter', () => {
      expect(drift((spec) => parameters(spec).splice(parameters(spec).findIndex((p) => p.name === 'exclude_tags'), 1))).toEqual([
        'exclude_tags: SDK field, not in the spec',
      ]);
    });

    it('a changed maxItems, maxLength, pattern and bound', () => {
      expect(
        drift((spec) => {
          schemaOf(spec, 'ips').maxItems = 20;
          (schemaOf(spec, 'tags').items as { maxLength: number }).maxLength = 64;
          (schemaOf(spec, 'ja3').items as { pattern: string }).pattern = '^[0-9a-f]{32}$';
          (schemaOf(spec, 'status_codes').items as { maximum: number }).maximum = 999;
          schemaOf(spec, 'offset').maximum = 10_000;
          delete schemaOf(spec, 'path').type; // a list no longer
        }),
      ).toEqual([
        'ips.maxItems: spec 20, SDK 10',
        'ja3.pattern: spec "^[0-9a-f]{32}$", SDK "^[0-9a-fA-F]{32}$"',
        'offset.maximum: spec 10000, SDK 100000',
        'path.list: spec false, SDK true',
        'status_codes.maximum: spec 999, SDK 599',
        'tags.maxLength: spec 64, SDK 50',
      ]);
    });

    it('a changed enum, through its $ref', () => {
      expect(drift((spec) => (spec.components.schemas.EventDecision!.enum as string[]).push('challenged'))).toEqual([
        'decision.enum: spec ["allowed","blocked","challenged","monitored","passed"], SDK ["allowed","blocked","monitored","passed"]',
        'exclude_decision.enum: spec ["allowed","blocked","challenged","monitored","passed"], SDK ["allowed","blocked","monitored","passed"]',
      ]);
    });

    it('an SDK schema that changed: a looser list, an extra field, a lost pattern', () => {
      const changed = gcoreRequestsQuerySchema.safeExtend({
        tags: z.array(z.string().max(50)).max(6).optional(),
        countries: z.array(z.string()).optional(),
        bogus: z.string().optional(),
      });
      const lines = diffConstraints(specQueryConstraints(loadSpec()), sdkConstraints(changed)).filter((line) => !DELIBERATE.includes(line));
      expect(lines).toEqual(['bogus: SDK field, not in the spec', 'countries.pattern: spec "^\\\\w{2}$", SDK none', 'tags.maxItems: spec 5, SDK 6']);
    });

    it('a parameter that became required, or an IP format that changed', () => {
      expect(
        drift((spec) => {
          parameters(spec).find((p) => p.name === 'end')!.required = true;
          (schemaOf(spec, 'exclude_ips').items as { format: string }).format = 'ipv4address';
        }),
      ).toEqual(['end.required: spec true, SDK false', 'exclude_ips.format: spec "ipv4address", SDK "ipvanyaddress"']);
    });
  });
});
