import { z } from 'zod';
import { instantSchema } from '../../core/time.js';

/**
 * BotBye's `where` filter: a tree of branches (`and`, `or`) over leaves (`eq`, `in`, `gte`, …), sent as one
 * JSON query parameter. Callers write it with the typed builder or as a plain tree; both go through
 * `whereSchema`, so a bad tree fails before any request with the path of the bad node.
 */

/** The request node's fields, by the kind of value a predicate compares them with. */
const FIELD_KINDS = {
  id: 'string',
  token: 'string',
  customerId: 'string',
  projectId: 'string',
  siteKey: 'string',
  serverKey: 'string',
  referer: 'string',
  userAgent: 'string',
  host: 'string',
  requestMethod: 'string',
  requestUri: 'string',
  remoteAddr: 'string',
  serverName: 'string',
  remoteUser: 'string',
  serverPort: 'number',
  requestInfo: 'string',
  failedMessage: 'string',
  failedChecks: 'string',
  // An array has no documented comparison: only the null checks make sense on it.
  customFields: 'list',
  headers: 'string',
  createdAt: 'date',
  realIp: 'string',
  country: 'string',
  asn: 'string',
  isProtected: 'boolean',
  isBanByRule: 'boolean',
} as const;
type Kinds = typeof FIELD_KINDS;
type Kind = Kinds[keyof Kinds];

interface KindValue {
  string: string;
  number: number;
  boolean: boolean;
  date: Date | string;
  list: never;
}

/** Every field of a BotBye request node, as `fieldPath` names it. */
export type WhereField = keyof Kinds;
/** The value a predicate compares field `F` with. Dates take a `Date` or an ISO 8601 string. */
export type WhereValue<F extends WhereField> = KindValue[Kinds[F]];
type FieldsOfKind<K extends Kind> = { [F in WhereField]: Kinds[F] extends K ? F : never }[WhereField];
/** Fields `eq`, `not_eq` and `in` accept. */
export type EqualityField = FieldsOfKind<'string' | 'number' | 'boolean' | 'date'>;
/** Fields `gt`, `lt`, `gte` and `lte` accept. */
export type OrderedField = FieldsOfKind<'string' | 'number' | 'date'>;
/** Fields `like` and `starts_with` accept. */
export type TextField = FieldsOfKind<'string'>;

const FIELDS = Object.keys(FIELD_KINDS) as [WhereField, ...WhereField[]];
export const whereFieldSchema = z.enum(FIELDS);

const PREDICATE_KINDS = {
  eq: ['string', 'number', 'boolean', 'date'],
  not_eq: ['string', 'number', 'boolean', 'date'],
  in: ['string', 'number', 'boolean', 'date'],
  gt: ['string', 'number', 'date'],
  lt: ['string', 'number', 'date'],
  gte: ['string', 'number', 'date'],
  lte: ['string', 'number', 'date'],
  like: ['string'],
  starts_with: ['string'],
  is_null: ['string', 'number', 'boolean', 'date', 'list'],
  is_not_null: ['string', 'number', 'boolean', 'date', 'list'],
} as const satisfies Record<string, readonly Kind[]>;

const scalarSchema = z.union([z.string(), z.number(), z.boolean(), z.date()]);

/** The country is alpha-3 on BotBye's side; an alpha-2 code would silently match nothing. */
const ALPHA3 = /^[A-Z]{3}$/;

/** Checks a leaf's value against its field's kind, pointing issues at `value` (or `value[i]`). */
function checkLeaf(leaf: { predicate: keyof typeof PREDICATE_KINDS; fieldPath: WhereField; value?: unknown }, ctx: z.RefinementCtx): void {
  const kind = FIELD_KINDS[leaf.fieldPath];
  if (!(PREDICATE_KINDS[leaf.predicate] as readonly Kind[]).includes(kind)) {
    ctx.addIssue({ code: 'custom', path: ['fieldPath'], message: `${leaf.predicate} does not apply to ${leaf.fieldPath} (a ${kind} field)` });
    return;
  }
  if (leaf.predicate === 'is_null' || leaf.predicate === 'is_not_null') return;
  const values = leaf.predicate === 'in' && Array.isArray(leaf.value) ? leaf.value : [leaf.value];
  values.forEach((value, index) => {
    const problem = valueProblem(leaf.fieldPath, kind, value, leaf.predicate === 'eq' || leaf.predicate === 'not_eq' || leaf.predicate === 'in');
    if (problem) ctx.addIssue({ code: 'custom', path: leaf.predicate === 'in' ? ['value', index] : ['value'], message: problem });
  });
}

function valueProblem(field: WhereField, kind: Kind, value: unknown, exact: boolean): string | undefined {
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') return `${field} compares with a string`;
      if (field === 'country' && exact && !ALPHA3.test(value)) return 'country is ISO 3166-1 alpha-3 in BotBye (USA, DEU), upper case';
      return undefined;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `${field} compares with a finite number`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${field} compares with true or false`;
    case 'date':
      return instantSchema.safeParse(value).success && typeof value !== 'number'
        ? undefined
        : `${field} compares with a Date or an ISO 8601 date-time with a time zone`;
    default:
      return `${field} cannot be compared`;
  }
}

const leafBase = { fieldPath: whereFieldSchema };
const leafSchemas = [
  z.strictObject({ predicate: z.enum(['eq', 'not_eq', 'gt', 'lt', 'gte', 'lte']), ...leafBase, value: scalarSchema }).superRefine(checkLeaf),
  z.strictObject({ predicate: z.enum(['like', 'starts_with']), ...leafBase, value: z.string() }).superRefine(checkLeaf),
  z.strictObject({ predicate: z.literal('in'), ...leafBase, value: z.array(scalarSchema).min(1, 'in needs at least one value') }).superRefine(checkLeaf),
  z.strictObject({ predicate: z.enum(['is_null', 'is_not_null']), ...leafBase }).superRefine(checkLeaf),
] as const;

/**
 * A branch. Callers may spell its list `operands` (BotBye's newer docs) or `opearands` (the reference
 * doc's spelling); exactly one of them.
 */
const branchSchema = z
  .strictObject({
    predicate: z.enum(['and', 'or']),
    get operands(): z.ZodOptional<z.ZodArray<typeof whereSchema>> {
      return z.array(whereSchema).min(1, 'a branch needs at least one condition').optional();
    },
    get opearands(): z.ZodOptional<z.ZodArray<typeof whereSchema>> {
      return z.array(whereSchema).min(1, 'a branch needs at least one condition').optional();
    },
  })
  .superRefine((branch, ctx) => {
    if ((branch.operands === undefined) === (branch.opearands === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['operands'], message: 'a branch needs exactly one of operands / opearands' });
    }
  });

/** One condition of a BotBye `where` tree, as a caller writes it (builder output or plain JSON). */
export const whereSchema = z.discriminatedUnion('predicate', [branchSchema, ...leafSchemas]);

/** A `where` tree as callers write it: `{ predicate: 'and', operands: [...] }`, `{ predicate: 'eq', fieldPath, value }`. */
export type WhereNode = z.input<typeof whereSchema>;
/** A validated `where` tree. */
export type ValidWhere = z.output<typeof whereSchema>;

/** One or more conditions. */
export type Conditions = [WhereNode, ...WhereNode[]];

/** The typed `where` builder: each predicate accepts only fields it applies to, and only values of their type. */
export interface WhereBuilder {
  and(...conditions: Conditions): WhereNode;
  or(...conditions: Conditions): WhereNode;
  eq<F extends EqualityField>(field: F, value: WhereValue<F>): WhereNode;
  not_eq<F extends EqualityField>(field: F, value: WhereValue<F>): WhereNode;
  in<F extends EqualityField>(field: F, values: readonly WhereValue<F>[]): WhereNode;
  gt<F extends OrderedField>(field: F, value: WhereValue<F>): WhereNode;
  lt<F extends OrderedField>(field: F, value: WhereValue<F>): WhereNode;
  gte<F extends OrderedField>(field: F, value: WhereValue<F>): WhereNode;
  lte<F extends OrderedField>(field: F, value: WhereValue<F>): WhereNode;
  like(field: TextField, pattern: string): WhereNode;
  starts_with(field: TextField, prefix: string): WhereNode;
  is_null(field: WhereField): WhereNode;
  is_not_null(field: WhereField): WhereNode;
}

/** The builder handed to `where: (w) => …`. Its output is validated like a plain tree. */
export const whereBuilder: WhereBuilder = Object.freeze({
  and: (...operands: Conditions) => ({ predicate: 'and' as const, operands }),
  or: (...operands: Conditions) => ({ predicate: 'or' as const, operands }),
  eq: (fieldPath: WhereField, value: WhereValue<EqualityField>) => ({ predicate: 'eq' as const, fieldPath, value }),
  not_eq: (fieldPath: WhereField, value: WhereValue<EqualityField>) => ({ predicate: 'not_eq' as const, fieldPath, value }),
  in: (fieldPath: WhereField, values: readonly WhereValue<EqualityField>[]) => ({ predicate: 'in' as const, fieldPath, value: [...values] }),
  gt: (fieldPath: WhereField, value: WhereValue<OrderedField>) => ({ predicate: 'gt' as const, fieldPath, value }),
  lt: (fieldPath: WhereField, value: WhereValue<OrderedField>) => ({ predicate: 'lt' as const, fieldPath, value }),
  gte: (fieldPath: WhereField, value: WhereValue<OrderedField>) => ({ predicate: 'gte' as const, fieldPath, value }),
  lte: (fieldPath: WhereField, value: WhereValue<OrderedField>) => ({ predicate: 'lte' as const, fieldPath, value }),
  like: (fieldPath: WhereField, value: string) => ({ predicate: 'like' as const, fieldPath, value }),
  starts_with: (fieldPath: WhereField, value: string) => ({ predicate: 'starts_with' as const, fieldPath, value }),
  is_null: (fieldPath: WhereField) => ({ predicate: 'is_null' as const, fieldPath }),
  is_not_null: (fieldPath: WhereField) => ({ predicate: 'is_not_null' as const, fieldPath }),
});

/** A `where` node as sent: dates as ISO strings, and branches carrying both spellings of their list. */
export type WireWhere =
  | { predicate: 'and' | 'or'; opearands: WireWhere[]; operands: WireWhere[] }
  | { predicate: Exclude<WhereNode['predicate'], 'and' | 'or'>; fieldPath: WhereField; value?: WireValue | WireValue[] };
type WireValue = string | number | boolean;

/**
 * The JSON BotBye receives. The reference doc spells the branch list `opearands`, newer docs `operands`;
 * both keys go out with the same list so either server reading works.
 */
export function toWireWhere(node: ValidWhere): WireWhere {
  if (isBranch(node)) {
    const list = (node.operands ?? node.opearands ?? []).map(toWireWhere);
    return { predicate: node.predicate, opearands: list, operands: list };
  }
  if (!('value' in node)) return { predicate: node.predicate, fieldPath: node.fieldPath };
  const date = FIELD_KINDS[node.fieldPath] === 'date';
  const value = Array.isArray(node.value) ? node.value.map((v) => wireValue(v, date)) : wireValue(node.value, date);
  return { predicate: node.predicate, fieldPath: node.fieldPath, value };
}

type ValidBranch = Extract<ValidWhere, { opearands?: unknown }>;

function isBranch(node: ValidWhere): node is ValidBranch {
  return node.predicate === 'and' || node.predicate === 'or';
}

/** Dates (and date fields' strings, already checked to be instants) go out as one ISO 8601 UTC form. */
function wireValue(value: string | number | boolean | Date, date: boolean): WireValue {
  if (value instanceof Date) return value.toISOString();
  return date && typeof value === 'string' ? new Date(value).toISOString() : value;
}
