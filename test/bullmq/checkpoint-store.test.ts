import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isFilterValidationError, memoryCheckpointStore } from '../../src/index.js';
import { redisCheckpointStore } from '../../src/bullmq/index.js';
import { sealFollowCheckpoint } from '../../src/core/follow-checkpoint.js';
import { startRedis, type TestRedis } from '../support/redis.js';

let server: TestRedis;
let redis: Redis;
beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.port, server.host);
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

const checkpoint = sealFollowCheckpoint('gcore.waap', 'q1', { through: 1_764_000_000_000, floor: 1_763_999_940_000, ids: [[1_763_999_999_000, ['a', 'b']]] });

it('keeps a follow position in Redis across store instances (another process)', async () => {
  const key = 'wafstream:test:store';
  expect(await redisCheckpointStore(redis, key).load()).toBeUndefined();
  await redisCheckpointStore(redis, key).save(checkpoint);
  const other = new Redis(server.port, server.host);
  try {
    expect(await redisCheckpointStore(other, key).load()).toEqual(checkpoint);
  } finally {
    other.disconnect();
  }
  // Same behaviour as the in-memory store.
  const memory = memoryCheckpointStore();
  await memory.save(checkpoint);
  expect(await memory.load()).toEqual(await redisCheckpointStore(redis, key).load());
});

it('refuses a corrupt or edited value instead of replacing it', async () => {
  await redis.set('wafstream:test:corrupt', '{not json');
  await expect(redisCheckpointStore(redis, 'wafstream:test:corrupt').load()).rejects.toSatisfy(isFilterValidationError);
  const edited = { ...checkpoint, position: { ...checkpoint.position, through: checkpoint.position.through + 1 } };
  await redis.set('wafstream:test:edited', JSON.stringify(edited));
  await expect(redisCheckpointStore(redis, 'wafstream:test:edited').load()).rejects.toSatisfy(isFilterValidationError);
  expect(await redis.get('wafstream:test:edited')).toBe(JSON.stringify(edited));
});

it('refuses a bad key or client before any command', () => {
  expect(() => redisCheckpointStore(redis, '')).toThrow(/key/);
  expect(() => redisCheckpointStore({} as never, 'k')).toThrow(/get\(\) and set\(\)/);
});
