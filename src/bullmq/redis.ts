/**
 * The few Redis commands wafstream/bullmq needs, by shape: an ioredis client (the one BullMQ connects with) fits
 * as it is, so this package imports no Redis client of its own.
 */
export interface RedisCommands {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
}
