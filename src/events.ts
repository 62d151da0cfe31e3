import type { BotByeEvent } from './providers/botbye/normalize.js';
import type { GcoreEvent } from './providers/gcore/normalize.js';
import type { TransactCdnRateLimitingEvent, TransactCdnWafEvent } from './providers/transactcdn/normalize.js';

/**
 * Any normalized record, discriminated on `source`: narrowing on it types `raw` as that provider's record.
 * It lives beside index.ts because it names every provider, which core must not.
 *
 * @example
 * if (event.source === 'gcore.waap') console.log(event.raw.reference_id);
 */
export type SecurityEvent = GcoreEvent | TransactCdnWafEvent | TransactCdnRateLimitingEvent | BotByeEvent;
