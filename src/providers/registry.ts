import { eventSchemaOf, type EventOfDefinitions, type ProviderNameOf, type SourceIdOf } from '../core/definition.js';
import { botByeDefinition } from './botbye/definition.js';
import { gcoreDefinition } from './gcore/definition.js';
import { transactCdnDefinition } from './transactcdn/definition.js';

/**
 * Every registered provider. The only place that lists them: the `Provider`/`Source` unions and `SecurityEvent`
 * are derived from it, and generic code (formats, CLI, follow) iterates over it instead of naming providers.
 */
export const definitions = [gcoreDefinition, transactCdnDefinition, botByeDefinition] as const;

/** A registered provider's name. */
export type Provider = ProviderNameOf<typeof definitions>;
/** A registered source's id, `<provider>.<source>`. */
export type Source = SourceIdOf<typeof definitions>;
/** Any normalized record, discriminated on `source`. */
export type RegisteredEvent = EventOfDefinitions<typeof definitions>;

/** The normalized event schema over the registered providers and sources (tests parse normalizer output with it). */
export const eventCoreSchema = eventSchemaOf(definitions);
