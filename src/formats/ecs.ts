// Each field set's own declaration file: the package has no `types` entry, and its index would drag every field
// set of ECS into our declarations (see tsup.config.ts).
import type { EcsBase } from '@elastic/ecs/build/commonjs/base.d.ts';
import type { EcsEcs } from '@elastic/ecs/build/commonjs/ecs.d.ts';
import type { EcsEvent } from '@elastic/ecs/build/commonjs/event.d.ts';
import type { EcsHttp } from '@elastic/ecs/build/commonjs/http.d.ts';
import type { EcsObserver } from '@elastic/ecs/build/commonjs/observer.d.ts';
import type { EcsRelated } from '@elastic/ecs/build/commonjs/related.d.ts';
import type { EcsRule } from '@elastic/ecs/build/commonjs/rule.d.ts';
import type { EcsSource } from '@elastic/ecs/build/commonjs/source.d.ts';
import type { EcsTls } from '@elastic/ecs/build/commonjs/tls.d.ts';
import type { EcsUrl } from '@elastic/ecs/build/commonjs/url.d.ts';
import type { EcsUserAgent } from '@elastic/ecs/build/commonjs/user_agent.d.ts';
import type { Disposition } from '../core/event.js';
import type { SecurityEvent } from '../events.js';
import { PRODUCTS, asNumber, ipOf, policyName, ruleTags, targetOf } from './common.js';

/** The ECS version `toEcs` emits (`ecs.version`). */
export const ECS_VERSION = '9.4.0';

/**
 * An Elastic Common Schema 9.4.0 document as `toEcs` builds it: the field sets a WAF event fills, each typed
 * with `@elastic/ecs`'s own type, nested (not dotted) as Elasticsearch stores them.
 */
export interface EcsDocument {
  '@timestamp': EcsBase['@timestamp'];
  ecs: EcsEcs;
  event: EcsEvent;
  observer: EcsObserver;
  source?: EcsSource;
  user_agent?: EcsUserAgent;
  tls?: EcsTls;
  url?: EcsUrl;
  http?: EcsHttp;
  rule?: EcsRule;
  related?: EcsRelated;
  tags?: EcsBase['tags'];
}

type Verdict = { readonly type: string[]; readonly outcome: 'success' | 'failure' | 'unknown' };

// As Elastic's AWS WAF integration does: `access` plus `allowed` or `denied`; the outcome is the request's
// (served or not), the same for every provider.
const VERDICTS: Readonly<Record<Disposition, Verdict>> = {
  allowed: { type: ['access', 'allowed'], outcome: 'success' },
  logged: { type: ['access', 'allowed'], outcome: 'success' },
  blocked: { type: ['access', 'denied'], outcome: 'failure' },
  dropped: { type: ['access', 'denied'], outcome: 'failure' },
  challenged: { type: ['access', 'denied'], outcome: 'failure' },
  redirected: { type: ['access', 'denied'], outcome: 'failure' },
  custom_response: { type: ['access', 'denied'], outcome: 'failure' },
  unknown: { type: ['access'], outcome: 'unknown' },
};

/**
 * One normalized event as an ECS 9.4.0 document, mapped the way Elastic's own WAF integrations map WAF logs.
 * Pure; fields with no value are left out, never sent empty.
 */
export function toEcs(event: SecurityEvent): EcsDocument {
  const verdict = VERDICTS[event.disposition] ?? VERDICTS.unknown;
  const product = PRODUCTS[event.source];
  // A matched rule or an enforced action makes it a detection; plain passed traffic is an event.
  const alert = event.rules.length > 0 || (event.disposition !== 'allowed' && event.disposition !== 'unknown');

  const doc: EcsDocument = {
    '@timestamp': event.time.toISOString(),
    ecs: { version: ECS_VERSION },
    event: {
      kind: alert ? 'alert' : 'event',
      category: ['web', 'network'],
      type: [...verdict.type],
      outcome: verdict.outcome,
      id: event.id,
      dataset: event.source,
      module: event.provider,
    },
    observer: { vendor: product.vendor, product: product.product, type: 'firewall' },
  };
  if (event.providerAction) doc.event.action = event.providerAction;

  const source = sourceOf(event);
  if (source) doc.source = source;
  if (event.client.userAgent) doc.user_agent = { original: event.client.userAgent };
  if (event.client.ja3) doc.tls = { client: { ja3: event.client.ja3 } };
  const url = urlOf(event);
  if (url) doc.url = url;
  const http = httpOf(event);
  if (http) doc.http = http;
  const rule = ruleOf(event);
  if (rule) doc.rule = rule;
  const ip = doc.source?.ip;
  const host = doc.url?.domain;
  if (ip || host) {
    doc.related = {};
    if (ip) doc.related.ip = [ip];
    if (host) doc.related.hosts = [host];
  }
  const tags = ruleTags(event.rules);
  if (tags) doc.tags = tags;
  return doc;
}

function sourceOf(event: SecurityEvent): EcsDocument['source'] {
  const { client } = event;
  const out: NonNullable<EcsDocument['source']> = {};
  // `address` keeps what the provider sent; `ip` only takes a real address (Elasticsearch rejects anything else).
  if (client.ip) out.address = client.ip;
  const ip = ipOf(event);
  if (ip) out.ip = ip;
  if (client.country) out.geo = { country_iso_code: client.country };
  const number = asNumber(client.asn);
  if (number !== undefined || client.organization) {
    out.as = {};
    if (number !== undefined) out.as.number = number;
    if (client.organization) out.as.organization = { name: client.organization };
  }
  return Object.keys(out).length ? out : undefined;
}

function urlOf(event: SecurityEvent): EcsDocument['url'] {
  const target = targetOf(event.request);
  const out: NonNullable<EcsDocument['url']> = {};
  if (target.original !== undefined) out.original = target.original;
  if (target.full !== undefined) out.full = target.full;
  if (target.scheme !== undefined) out.scheme = target.scheme;
  if (target.hostname !== undefined) out.domain = target.hostname;
  if (target.port !== undefined) out.port = target.port;
  if (target.path !== undefined) out.path = target.path;
  if (target.query !== undefined) out.query = target.query;
  return Object.keys(out).length ? out : undefined;
}

function httpOf(event: SecurityEvent): EcsDocument['http'] {
  const { request, response } = event;
  const out: NonNullable<EcsDocument['http']> = {};
  if (request.method || request.referer) {
    out.request = {};
    if (request.method) out.request.method = request.method;
    if (request.referer) out.request.referrer = request.referer;
  }
  if (response.status !== undefined) out.response = { status_code: response.status };
  if (request.httpVersion) out.version = request.httpVersion.replace(/^HTTP\//i, '');
  return Object.keys(out).length ? out : undefined;
}

/** ECS holds one rule: the first the provider lists (the one that decided, where the provider says which). */
function ruleOf(event: SecurityEvent): EcsDocument['rule'] {
  const rule = event.rules[0];
  const out: NonNullable<EcsDocument['rule']> = {};
  if (rule?.id !== undefined) out.id = rule.id;
  if (rule?.name !== undefined) out.name = rule.name;
  if (rule?.message !== undefined) out.description = rule.message;
  const policy = policyName(event);
  if (policy) out.ruleset = policy;
  return Object.keys(out).length ? out : undefined;
}
