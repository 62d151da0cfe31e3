import { z } from 'zod';
import type { ExtraFields } from '../../core/event.js';

// Strings the API may send empty or null; kept as received (normalize turns empties into absent fields).
const text = z.string().nullish();
const int = z.number().int().nullish();

/**
 * One `RequestSummary`. `session_id`, `scheme`, `http_version` and `ja3` default to `""` in the contract, so an
 * empty string there means "not recorded"; `ja4` is newer than the contract's record and may appear. Only what the stream cannot work without is required (`id`, `request_time` in epoch ms,
 * `client_ip`); value sets such as `decision` stay plain strings so a new value never fails a page. Unknown
 * fields are kept. Types only — this runs on every record of every page.
 */
export const gcoreRecordSchema = z.object({
  id: z.string(),
  request_time: z.number().int(),
  client_ip: z.string(),
  path: text,
  method: text,
  rule_name: text,
  rule_id: text,
  country: text,
  action: text,
  domain: text,
  domain_id: int,
  user_agent: text,
  user_agent_client: text,
  organization: text,
  reference_id: text,
  status_code: int,
  result: text,
  traffic_types: text,
  decision: text,
  optional_action: text,
  session_id: text,
  scheme: text,
  http_version: text,
  ja3: text,
  ja4: text,
});
/** A Gcore WAAP request record, as the API sent it. */
export type GcoreRecord = z.infer<typeof gcoreRecordSchema> & ExtraFields;

/** One page of `GET /waap/v1/analytics/requests`; `count` is the total across all pages. */
export const gcoreRequestsPageSchema = z.object({
  limit: z.number().int(),
  offset: z.number().int(),
  count: z.number().int(),
  results: z.array(gcoreRecordSchema),
});
export type GcoreRequestsPage = z.infer<typeof gcoreRequestsPageSchema>;
