import { describe, expectTypeOf, it } from 'vitest';
import type { BackfillSource, TenantClients } from '../../src/bullmq/index.js';
import type { BotByeClient, GcoreClient, TransactCdnClient } from '../../src/index.js';

describe('the worker types derived from the registry', () => {
  it('are the ones callers wrote against before', () => {
    expectTypeOf<TenantClients>().toEqualTypeOf<{ gcore?: GcoreClient | undefined; transactcdn?: TransactCdnClient | undefined; botbye?: BotByeClient | undefined }>();
    expectTypeOf<BackfillSource>().toEqualTypeOf<'gcore.waap' | 'transactcdn.waf' | 'transactcdn.rate_limiting'>();
  });
});
