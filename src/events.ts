import type { RegisteredEvent } from './providers/registry.js';

/**
 * Any normalized record, discriminated on `source`: narrowing on it types `raw` as that provider's record.
 * Derived from the registered provider definitions (`src/providers/registry.ts`).
 *
 * @example
 * if (event.source === 'gcore.waap') console.log(event.raw.reference_id);
 */
export type SecurityEvent = RegisteredEvent;
