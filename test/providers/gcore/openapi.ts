import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * Gcore's own OpenAPI description of `GET /waap/v1/analytics/requests` (trimmed), and the two readings the
 * contract and drift tests make of it: the query parameters with their constraints, and the same constraints
 * derived from a zod schema, in one comparable shape.
 */
export const SPEC_PATH = fileURLToPath(new URL('../../../fixtures/gcore/waap-analytics-requests.openapi.json', import.meta.url));
export const REQUESTS_PATH = '/waap/v1/analytics/requests';

type Json = { [key: string]: unknown };
export interface OpenApiDocument {
  paths: Record<string, { get: { parameters: { name: string; in: string; required?: boolean; schema: Json }[] } }>;
  components: { schemas: Record<string, Json> };
}

export function loadSpec(path = SPEC_PATH): OpenApiDocument {
  return JSON.parse(readFileSync(path, 'utf8')) as OpenApiDocument;
}

/** What the drift test compares, per parameter: the list shape and the item's rules. */
export interface Constraints {
  required: boolean;
  list: boolean;
  maxItems?: number;
  type?: string;
  enum?: string[];
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
}

const ITEM_KEYS = ['type', 'pattern', 'format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength'] as const;

/** The spec's query parameters of the endpoint, `$ref`s resolved. */
export function specQueryConstraints(spec: OpenApiDocument): Map<string, Constraints> {
  const resolve = (schema: Json): Json => {
    const ref = schema.$ref;
    if (typeof ref !== 'string') return schema;
    const name = ref.replace('#/components/schemas/', '');
    const target = spec.components.schemas[name];
    if (!target) throw new Error(`unresolvable $ref ${ref}`);
    return { ...target, ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$ref')) };
  };
  const out = new Map<string, Constraints>();
  for (const parameter of spec.paths[REQUESTS_PATH]!.get.parameters) {
    if (parameter.in !== 'query') continue;
    out.set(parameter.name, constraintsOf(parameter.schema, parameter.required === true, resolve));
  }
  return out;
}

// zod writes `.int()` as the safe-integer range; the contract leaves such bounds out.
const SAFE_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);

/**
 * The constraints a zod object schema enforces, read from `z.toJSONSchema` of its output (what is sent):
 * digit-string status codes are integers there, and a one-string list is a list.
 */
export function zodQueryConstraints(schema: z.ZodType): Map<string, Constraints> {
  const json = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as Json;
  const required = new Set((json.required as string[] | undefined) ?? []);
  const out = new Map<string, Constraints>();
  for (const [name, property] of Object.entries(json.properties as Record<string, Json>)) {
    const constraints = constraintsOf(property, required.has(name), (s) => s);
    for (const key of ['minimum', 'maximum'] as const) if (SAFE_BOUNDS.has(constraints[key] as number)) delete constraints[key];
    out.set(name, constraints);
  }
  return out;
}

function constraintsOf(raw: Json, required: boolean, resolve: (schema: Json) => Json): Constraints {
  let schema = withoutNull(resolve(raw));
  const constraints: Constraints = { required, list: false };
  if (schema.type === 'array') {
    constraints.list = true;
    if (typeof schema.maxItems === 'number') constraints.maxItems = schema.maxItems;
    schema = withoutNull(resolve(schema.items as Json));
  }
  schema = ipAnyAddress(schema);
  for (const key of ITEM_KEYS) {
    const value = schema[key];
    if (value !== undefined) (constraints as unknown as Json)[key] = value;
  }
  if (Array.isArray(schema.enum)) constraints.enum = [...(schema.enum as string[])].sort();
  return constraints;
}

/** `anyOf: [X, {type: null}]` is X that may be null, which an optional query parameter is anyway. */
function withoutNull(schema: Json): Json {
  const anyOf = schema.anyOf as Json[] | undefined;
  if (!anyOf) return schema;
  const rest = anyOf.filter((member) => member.type !== 'null');
  return rest.length === 1 ? { ...rest[0]! } : { ...schema, anyOf: rest };
}

/** zod's `ipv4 | ipv6` (each with its own pattern) is the contract's pydantic `ipvanyaddress`. */
function ipAnyAddress(schema: Json): Json {
  const formats = (schema.anyOf as Json[] | undefined)?.map((member) => member.format);
  if (formats?.length === 2 && formats.includes('ipv4') && formats.includes('ipv6')) return { type: 'string', format: 'ipvanyaddress' };
  return schema;
}

/**
 * Every difference between the contract and the SDK, one line each, sorted: a parameter on one side only, or a
 * constraint whose value differs. `type` is compared only where both sides name one (an instant is a `Date`
 * in the SDK, a string on the wire).
 */
export function diffConstraints(spec: Map<string, Constraints>, sdk: Map<string, Constraints>): string[] {
  const lines: string[] = [];
  for (const name of spec.keys()) if (!sdk.has(name)) lines.push(`${name}: in the spec, no SDK field`);
  for (const name of sdk.keys()) if (!spec.has(name)) lines.push(`${name}: SDK field, not in the spec`);
  for (const [name, want] of spec) {
    const have = sdk.get(name);
    if (!have) continue;
    const keys = new Set([...Object.keys(want), ...Object.keys(have)] as (keyof Constraints)[]);
    for (const key of keys) {
      if (key === 'type' && (want.type === undefined || have.type === undefined)) continue;
      const a = JSON.stringify(want[key]);
      const b = JSON.stringify(have[key]);
      if (a !== b) lines.push(`${name}.${key}: spec ${a ?? 'none'}, SDK ${b ?? 'none'}`);
    }
  }
  return lines.sort();
}
