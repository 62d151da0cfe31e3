import type { EventStream } from '../core/pager.js';
import type { Checkpoint } from '../core/pager.js';
import type { AnyClientBinding, ClientOf, SourceBindingOf } from '../core/definition.js';
import type { FollowOptions, FollowStream } from '../core/follow.js';
import { FilterValidationError } from '../core/errors.js';
import type { SecurityEvent } from '../events.js';
import { definitions, type Source } from '../providers/registry.js';

type Registered = (typeof definitions)[number];

/**
 * A tenant's clients, built by the worker from its own configuration: credentials never enter a job or Redis.
 * One optional property per registered provider that declares a client binding, named after the provider and
 * typed as its public client (`gcore?: GcoreClient`, …).
 */
export type TenantClients = {
  [D in Registered as [ClientOf<D>] extends [never] ? never : D['name']]?: ClientOf<D> | undefined;
};

/** Looks a tenant's clients up (cache them: the function is called once per job). */
export type ResolveTenant = (tenant: string) => TenantClients | Promise<TenantClients>;

/** Every source a worker can read: those whose provider declares a client binding. */
export type BoundSource = SourceBindingOf<typeof definitions>['id'];
/** The sources a backfill can shard: those whose list methods take a `start`/`end` window. */
export type BackfillSource = Extract<SourceBindingOf<typeof definitions>, { readonly windowed: true }>['id'];

/** A source's provider and binding, seen as a binding of any client (it only ever receives its own client). */
interface Bound {
  readonly provider: string;
  readonly binding: AnyClientBinding['sources'][number];
}

const BOUND = new Map<string, Bound>(
  definitions.flatMap((definition) => {
    const client: AnyClientBinding | undefined = definition.client;
    return (client?.sources ?? []).map((binding) => [binding.id, { provider: definition.name, binding }] as const);
  }),
);

/** A non-empty list, as `z.enum` takes it; every registry has at least one bound source. */
const nonEmpty = <T extends string>(list: T[]) => list as [T, ...T[]];

/** Every bound source id, in registry order (the ids are the bindings' own, so the cast only restores their union). */
export const BOUND_SOURCES = nonEmpty([...BOUND.keys()] as BoundSource[]);
/** The sources a backfill can shard, derived from the bindings' `windowed`. */
export const BACKFILL_SOURCES = nonEmpty([...BOUND].filter(([, bound]) => bound.binding.windowed).map(([id]) => id) as BackfillSource[]);

const TENANT = /^[A-Za-z0-9_-]{1,64}$/;

/** Tenant names go into job ids and Redis keys: a short, plain name, never a credential. */
export function checkTenant(tenant: unknown, what: string): string {
  if (typeof tenant !== 'string' || !TENANT.test(tenant)) {
    throw new FilterValidationError(what, [{ path: 'tenant', message: 'must be 1-64 letters, digits, "_" or "-" (a tenant name, not a credential)' }]);
  }
  return tenant;
}

/** The source's binding and the tenant's client for it; a tenant without that provider's client is refused by name. */
function clientFor(clients: TenantClients, tenant: string, source: BoundSource): { client: unknown; binding: Bound['binding'] } {
  const { provider, binding } = BOUND.get(source)!;
  // Keyed by provider name, as `TenantClients` is declared.
  const client = (clients as Readonly<Record<string, unknown>>)[provider];
  if (!client) throw new FilterValidationError('wafstream/bullmq tenant', [{ path: provider, message: `tenant ${tenant} has no ${provider} client in this worker's configuration` }]);
  return { client, binding };
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
  const { client, binding } = clientFor(clients, tenant, source);
  // Each source's events are one member of `SecurityEvent`; the binding types them only as far as `id`/`time`.
  return binding.list(client, { ...filters, ...window }, { resume }) as EventStream<SecurityEvent>;
}

/** A follow of one source with the job's filters. */
export function openFollow(clients: TenantClients, tenant: string, source: BoundSource, filters: Record<string, unknown>, options: FollowOptions): FollowStream<SecurityEvent> {
  const { client, binding } = clientFor(clients, tenant, source);
  return binding.follow(client, filters, options) as FollowStream<SecurityEvent>;
}

export type { Source };
