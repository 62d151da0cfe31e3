import { connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../support/redis.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

function command(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('error', reject);
    socket.once('data', (chunk) => {
      socket.destroy();
      resolve(chunk.toString());
    });
    socket.once('connect', () => socket.write(`${line}\r\n`));
  });
}

it('runs a real redis-server on loopback without persistence', async () => {
  expect(redis.port).toBeGreaterThan(0);
  expect(await command(redis.port, 'PING')).toBe('+PONG\r\n');
  const save = await command(redis.port, 'CONFIG GET save');
  expect(save).toContain('save');
  expect(save).toContain('$0\r\n\r\n');
  expect(await command(redis.port, 'CONFIG GET appendonly')).toContain('no');
});

it('fails loudly, naming the fix, when redis-server is missing', async () => {
  await expect(startRedis('/nonexistent/redis-server')).rejects.toThrow(/redis-server could not be started.*apt-get install redis-server/s);
});
