import type { ClientBinding, ClientField, SourceBinding } from '../core/definition.js';
import { definitions, type Source } from '../providers/registry.js';

/** A registered provider the CLI can drive: its name and its public client's binding. */
export interface BoundProvider {
  readonly name: string;
  // Seen as a binding of any client: each binding's methods only ever receive the client its own `create` built.
  readonly client: ClientBinding<unknown>;
}

/** One source the CLI offers, with its provider. */
export interface BoundSource {
  readonly id: Source;
  readonly provider: BoundProvider;
  readonly binding: SourceBinding<unknown>;
}

/** The registered providers that declare a client binding, in registry order. */
export const PROVIDERS: readonly BoundProvider[] = definitions.flatMap((definition): BoundProvider[] => {
  const client: ClientBinding<unknown> | undefined = definition.client;
  if (!client) return [];
  const ids = new Set<string>(definition.sources.map((source) => source.id));
  // A binding naming a source its definition lacks is a programming error: refuse it when the CLI loads.
  for (const source of client.sources) if (!ids.has(source.id)) throw new TypeError(`${definition.name}: client binding names unknown source ${source.id}`);
  return [{ name: definition.name, client }];
});

/** Every source the CLI offers, in registry order. */
export const BOUND_SOURCES: readonly BoundSource[] = PROVIDERS.flatMap((provider) =>
  // Checked above against the definition's sources, whose ids make up `Source`.
  provider.client.sources.map((binding) => ({ id: binding.id as Source, provider, binding })),
);

/** Every credential and base-URL field, provider by provider. */
export const FIELDS: readonly ClientField[] = PROVIDERS.flatMap((provider) => provider.client.fields);

/**
 * Every field's value against the built-in simulator (`src/testing`), in field order. A client field comes from
 * the simulator's options for its provider (`credentials.<provider>.<option>`); a query field from the property
 * the simulator serves it as, `<provider><Option>` (its project id, `…ProjectId`).
 */
export function simulatorValues(sim: { readonly credentials: object }): Map<ClientField, string> {
  const out = new Map<ClientField, string>();
  // The simulator is keyed by provider and option names, like the bindings' fields; a value it lacks stays unset.
  const all = sim as unknown as Readonly<Record<string, unknown>>;
  const credentials = sim.credentials as Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>;
  for (const provider of PROVIDERS) {
    for (const field of provider.client.fields) {
      const value = field.query ? all[provider.name + field.option[0]!.toUpperCase() + field.option.slice(1)] : credentials[provider.name]?.[field.option];
      if (typeof value === 'string') out.set(field, value);
    }
  }
  return out;
}
