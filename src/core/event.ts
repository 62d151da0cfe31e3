import { z } from 'zod';

/** Fields a provider sent that its docs do not list: response schemas check the documented ones, and `raw` keeps all. */
export type ExtraFields = { readonly [field: string]: unknown };

/** What the provider did with the request, in one vocabulary for every provider. */
export const dispositionSchema = z.enum([
  'allowed',
  'blocked',
  'dropped',
  'challenged',
  'redirected',
  'custom_response',
  'logged',
  'unknown',
]);
export type Disposition = z.infer<typeof dispositionSchema>;


export const ruleSchema = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  message: z.string().optional(),
  tags: z.array(z.string()).optional(),
});
export type Rule = z.infer<typeof ruleSchema>;

/**
 * The provider-independent part of every normalized record. `provider` and `source` are narrowed to the
 * registered ones by `eventSchemaOf`; tests parse normalizer output with that schema, so the shape is enforced in
 * one place; the hot path does not re-validate its own output.
 */
export const eventCoreShape = {
  provider: z.string(),
  source: z.string(),
  id: z.string(),
  time: z.date(),
  disposition: dispositionSchema,
  providerAction: z.string(),
  client: z.strictObject({
    ip: z.string(),
    country: z.string().regex(/^[A-Z]{2}$/).optional(),
    asn: z.string().optional(),
    organization: z.string().optional(),
    userAgent: z.string().optional(),
    ja3: z.string().optional(),
    ja4: z.string().optional(),
    sessionId: z.string().optional(),
  }),
  request: z.strictObject({
    method: z.string().optional(),
    url: z.string().optional(),
    host: z.string().optional(),
    path: z.string().optional(),
    scheme: z.string().optional(),
    httpVersion: z.string().optional(),
    referer: z.string().optional(),
  }),
  response: z.strictObject({ status: z.number().int().optional() }),
  rules: z.array(ruleSchema),
  raw: z.unknown(),
};
type EventCore = z.infer<z.ZodObject<typeof eventCoreShape>>;

/** A normalized record of one source, with `raw` typed as that source's record. */
export type EventOf<P extends string, S extends string, Raw> = Omit<EventCore, 'provider' | 'source' | 'raw'> & {
  provider: P;
  source: S;
  /** The provider's record exactly as received. */
  raw: Raw;
};

