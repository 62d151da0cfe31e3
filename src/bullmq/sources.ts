import type { EventStream } from '../core/pager.js';
import type { Checkpoint } from '../core/pager.js';
import { FilterValidationError } from '../core/errors.js';
import type { BotByeClient } from '../providers/botbye/client.js';
import type { GcoreClient } from '../providers/gcore/client.js';
import type { GcoreRequestsQuery } from '../providers/gcore/filters.js';
import type { RateLimitingEventsQuery, TransactCdnClient, WafEventsQuery } from '../providers/transactcdn/client.js';
import type { SecurityEvent } from '../events.js';
import type { Source } from '../providers/registry.js';

/** A tenant's clients, built by the worker from its own configuration: credentials never enter a job or Redis. */
export interface TenantClients {
  gcore?: GcoreClient | undefined;
  transactcdn?: TransactCdnClient | undefined;
  botbye?: BotByeClient | undefined;
}

/** Looks a tenant's clients up (cache them: the function is called once per job). */
export type ResolveTenant = (tenant: string) => TenantClients | Promise<TenantClients>;

/** The sources a backfill can shard: those whose list methods take a `start`/`end` window. */
export const BACKFILL_SOURCES = ['gcore.waap', 'transactcdn.waf', 'transactcdn.rate_limiting'] as const;
export type BackfillSource = (typeof BACKFILL_SOURCES)[number];

const TENANT = /^[A-Za-z0-9_-]{1,64}$/;

/** Tenant names go into job ids and Redis keys: a short, plain name, never a credential. */
export function checkTenant(tenant: unknown, what: string): string {
  if (typeof tenant !== 'string' || !TENANT.test(tenant)) {
    throw new FilterValidationError(what, [{ path: 'tenant', message: 'must be 1-64 letters, digits, "_" or "-" (a tenant name, not a credential)' }]);
  }
  return tenant;
}

function need<T>(client: T | undefined, tenant: string, name: keyof TenantClients): T {
  if (!client) throw new FilterValidationError('wafstream/bullmq tenant', [{ path: name, message: `tenant ${tenant} has no ${name} client in this worker's configuration` }]);
  return client;
}

/** One window of one source as an `EventStream`, resumed from `resume` when given. */
export function openWindow(
  clients: TenantClients,
  tenant: string,
  source: BackfillSource,
  filters: Record<string, unknown>,
  window: { start: Date; end: Date },
  resume: Checkpoint | undefined,
): EventStream<SecurityEvent> {
  const options = { resume };
  switch (source) {
    case 'gcore.waap':
      return need(clients.gcore, tenant, 'gcore').requests({ ...filters, ...window } as GcoreRequestsQuery, options);
    case 'transactcdn.waf':
      return need(clients.transactcdn, tenant, 'transactcdn').wafEvents({ ...filters, ...window } as WafEventsQuery, options);
    case 'transactcdn.rate_limiting':
      return need(clients.transactcdn, tenant, 'transactcdn').rateLimitingEvents({ ...filters, ...window } as RateLimitingEventsQuery, options);
  }
}

export type { Source };
