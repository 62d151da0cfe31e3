import type { Disposition, Rule } from '../core/event.js';
import type { SecurityEvent } from '../events.js';
import { PRODUCTS, asNumber, ipOf, ja4Of, originalTime, policyName, ruleTags, targetOf } from './common.js';

/** The OCSF version `toOcsf` emits (`metadata.version`). */
export const OCSF_VERSION = '1.8.0';

const CLASS_UID = 4002;

/** A `fingerprint` object: an algorithm id from OCSF's enum and the hash. */
type OcsfFingerprint = { algorithm_id: number; algorithm?: string; value: string };

/**
 * An OCSF 1.8.0 HTTP Activity event (class 4002, Network Activity) with the `security_control` profile, as
 * `toOcsf` builds it: the attributes it can fill, each as the schema types it.
 */
export interface OcsfHttpActivity {
  class_uid: 4002;
  class_name: 'HTTP Activity';
  category_uid: 4;
  category_name: 'Network Activity';
  activity_id: number;
  activity_name: string;
  type_uid: number;
  type_name: string;
  /** Epoch milliseconds. */
  time: number;
  severity_id: number;
  severity: string;
  action_id: number;
  action: string;
  disposition_id: number;
  disposition: string;
  metadata: {
    version: typeof OCSF_VERSION;
    profiles: ['security_control'];
    product: { name: string; vendor_name: string };
    uid: string;
    original_event_uid: string;
    original_time?: string;
    labels?: string[];
  };
  http_request: {
    http_method?: string;
    url?: { url_string?: string; scheme?: string; hostname?: string; port?: number; path?: string; query_string?: string };
    user_agent?: string;
    referrer?: string;
    version?: string;
  };
  http_response?: { code: number };
  src_endpoint?: {
    ip?: string;
    location?: { country: string };
    autonomous_system?: { number?: number; name?: string };
  };
  tls?: { version: string; ja3_hash: OcsfFingerprint };
  ja4_fingerprint_list?: { type_id: 1; type: 'JA4'; value: string }[];
  firewall_rule?: { uid?: string; name?: string; desc?: string };
  policy?: { name: string };
  /** The normalized fields OCSF has no attribute for. */
  unmapped: { source: string; provider_action?: string; session_id?: string; rules?: Rule[] };
  /** The provider's record exactly as received, as JSON. */
  raw_data: string;
}

// Captions are the reference table's; for 99 (Other) OCSF says the source defines the caption.
const ACTIVITIES: Readonly<Record<string, readonly [number, string]>> = {
  CONNECT: [1, 'Connect'],
  DELETE: [2, 'Delete'],
  GET: [3, 'Get'],
  HEAD: [4, 'Head'],
  OPTIONS: [5, 'Options'],
  POST: [6, 'Post'],
  PUT: [7, 'Put'],
  TRACE: [8, 'Trace'],
  PATCH: [9, 'Patch'],
};

type Outcome = readonly [actionId: number, action: string, dispositionId: number, disposition: string];

// What the provider did → OCSF action (what happened to the request) and disposition (how). A challenge, a
// redirect and a custom response all keep the request from the origin: denied. Logging let it through: observed.
const OUTCOMES: Readonly<Record<Disposition, Outcome>> = {
  allowed: [1, 'Allowed', 1, 'Allowed'],
  blocked: [2, 'Denied', 2, 'Blocked'],
  dropped: [2, 'Denied', 6, 'Dropped'],
  challenged: [2, 'Denied', 23, 'Challenge'],
  redirected: [2, 'Denied', 99, 'Redirected'],
  custom_response: [2, 'Denied', 7, 'Custom Action'],
  logged: [3, 'Observed', 17, 'Logged'],
  unknown: [0, 'Unknown', 0, 'Unknown'],
};

/**
 * One normalized event as an OCSF 1.8.0 HTTP Activity event with the `security_control` profile.
 * Pure and schema-free at run time; the tests validate its output against the OCSF schema itself.
 */
export function toOcsf(event: SecurityEvent): OcsfHttpActivity {
  const method = event.request.method?.toUpperCase();
  const known = method === undefined ? undefined : ACTIVITIES[method];
  const [activityId, activityName] = known ?? (method === undefined ? [0, 'Unknown'] : [99, method]);
  const [actionId, action, dispositionId, disposition] = OUTCOMES[event.disposition] ?? OUTCOMES.unknown;
  const product = PRODUCTS[event.source];

  const metadata: OcsfHttpActivity['metadata'] = {
    version: OCSF_VERSION,
    profiles: ['security_control'],
    product: { name: product.product, vendor_name: product.vendor },
    uid: event.id,
    original_event_uid: event.id,
  };
  const original = originalTime(event);
  if (original !== undefined) metadata.original_time = original;
  const labels = ruleTags(event.rules);
  if (labels) metadata.labels = labels;

  const out: OcsfHttpActivity = {
    class_uid: CLASS_UID,
    class_name: 'HTTP Activity',
    category_uid: 4,
    category_name: 'Network Activity',
    activity_id: activityId,
    activity_name: activityName,
    type_uid: CLASS_UID * 100 + activityId,
    type_name: `HTTP Activity: ${activityId === 99 ? 'Other' : activityName}`,
    time: event.time.getTime(),
    // No provider rates its records: a record of activity with no rating of its own is Informational.
    severity_id: 1,
    severity: 'Informational',
    action_id: actionId,
    action,
    disposition_id: dispositionId,
    disposition,
    metadata,
    http_request: httpRequest(event, known ? method : undefined),
    unmapped: unmapped(event),
    raw_data: JSON.stringify(event.raw),
  };
  if (event.response.status !== undefined) out.http_response = { code: event.response.status };
  const endpoint = srcEndpoint(event);
  if (endpoint) out.src_endpoint = endpoint;
  // OCSF requires `tls.version`, which no provider reports: the JA3 hash is what we know of the handshake.
  if (event.client.ja3) out.tls = { version: 'Unknown', ja3_hash: { algorithm_id: 1, algorithm: 'MD5', value: event.client.ja3 } };
  const ja4 = ja4Of(event);
  if (ja4) out.ja4_fingerprint_list = [{ type_id: 1, type: 'JA4', value: ja4 }];
  const rule = event.rules.find((candidate) => candidate.id !== undefined || candidate.name !== undefined);
  if (rule) out.firewall_rule = firewallRule(rule);
  const policy = policyName(event);
  if (policy) out.policy = { name: policy };
  return out;
}

function httpRequest(event: SecurityEvent, method: string | undefined): OcsfHttpActivity['http_request'] {
  const out: OcsfHttpActivity['http_request'] = {};
  // The schema's method enum is the nine standard methods; any other method is in activity_name.
  if (method) out.http_method = method;
  const target = targetOf(event.request);
  // OCSF's url object needs a url_string or a path; a host alone stays out.
  if (target.full !== undefined || target.path !== undefined) {
    const url: NonNullable<OcsfHttpActivity['http_request']['url']> = {};
    if (target.full !== undefined) url.url_string = target.full;
    if (target.scheme !== undefined) url.scheme = target.scheme;
    if (target.hostname !== undefined) url.hostname = target.hostname;
    if (target.port !== undefined) url.port = target.port;
    if (target.path !== undefined) url.path = target.path;
    if (target.query !== undefined) url.query_string = target.query;
    out.url = url;
  }
  if (event.client.userAgent) out.user_agent = event.client.userAgent;
  if (event.request.referer) out.referrer = event.request.referer;
  if (event.request.httpVersion) out.version = event.request.httpVersion;
  return out;
}

function srcEndpoint(event: SecurityEvent): OcsfHttpActivity['src_endpoint'] {
  const ip = ipOf(event);
  // Every other attribute describes the address; without one there is no endpoint to describe.
  if (ip === undefined) return undefined;
  const out: NonNullable<OcsfHttpActivity['src_endpoint']> = { ip };
  if (event.client.country) out.location = { country: event.client.country };
  const number = asNumber(event.client.asn);
  const name = event.client.organization;
  if (number !== undefined || name) {
    const as: { number?: number; name?: string } = {};
    if (number !== undefined) as.number = number;
    if (name) as.name = name;
    out.autonomous_system = as;
  }
  return out;
}

function firewallRule(rule: Rule): NonNullable<OcsfHttpActivity['firewall_rule']> {
  const out: NonNullable<OcsfHttpActivity['firewall_rule']> = {};
  if (rule.id !== undefined) out.uid = rule.id;
  if (rule.name !== undefined) out.name = rule.name;
  if (rule.message !== undefined) out.desc = rule.message;
  return out;
}

function unmapped(event: SecurityEvent): OcsfHttpActivity['unmapped'] {
  const out: OcsfHttpActivity['unmapped'] = { source: event.source };
  if (event.providerAction) out.provider_action = event.providerAction;
  if (event.client.sessionId) out.session_id = event.client.sessionId;
  // firewall_rule holds one rule: with more, or one it cannot name, the whole list goes here.
  if (event.rules.length > 1 || (event.rules.length === 1 && event.rules[0]!.id === undefined && event.rules[0]!.name === undefined)) {
    out.rules = event.rules.map((rule) => (rule.tags ? { ...rule, tags: [...rule.tags] } : { ...rule }));
  }
  return out;
}
