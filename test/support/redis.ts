// The tests' entry to the shared redis-server helper (plain JavaScript, so the bench can load it too).
export { startRedis, type TestRedis } from './redis-server.mjs';
