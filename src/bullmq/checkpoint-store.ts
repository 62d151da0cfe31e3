import type { CheckpointStore } from '../core/checkpoint-store.js';
import { FilterValidationError } from '../core/errors.js';
import { parseFollowCheckpoint } from '../core/follow-checkpoint.js';
import type { RedisCommands } from './redis.js';

/**
 * A follow position in one Redis string. `SET` replaces the value atomically, so a reader sees the previous
 * position or the new one, never a torn one; a value that is not an untouched follow checkpoint is refused with
 * `FilterValidationError`, never silently replaced.
 *
 * @example
 * const store = redisCheckpointStore(new Redis(), 'wafstream:follow:acme:gcore.waap');
 */
export function redisCheckpointStore(redis: RedisCommands, key: string): CheckpointStore {
  if (typeof redis?.get !== 'function' || typeof redis.set !== 'function') {
    throw new FilterValidationError('redisCheckpointStore', [{ path: 'redis', message: 'must be a Redis client with get() and set() (ioredis)' }]);
  }
  if (typeof key !== 'string' || key.length === 0) {
    throw new FilterValidationError('redisCheckpointStore', [{ path: 'key', message: 'must be a non-empty Redis key' }]);
  }
  const what = `checkpoint in Redis key ${key}`;
  return {
    async load() {
      const text = await redis.get(key);
      if (text === null) return undefined;
      return parseFollowCheckpoint(text, what, 'corrupt value?');
    },
    async save(checkpoint) {
      await redis.set(key, JSON.stringify(checkpoint));
    },
  };
}
