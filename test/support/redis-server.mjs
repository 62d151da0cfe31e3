// A real redis-server for the Redis tests (via redis.ts) and for `npm run bench` (test/bench/scale.mjs): plain
// JavaScript, so the bench loads it under node without a TypeScript step; its types are in redis-server.d.mts.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** @returns {Promise<number>} */
async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** @param {number} port @returns {Promise<boolean>} */
function ping(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.setTimeout(500, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (answer.includes('\r\n')) {
        socket.destroy();
        resolve(answer.startsWith('+PONG'));
      }
    });
    socket.once('connect', () => socket.write('PING\r\n'));
  });
}

/**
 * Starts redis-server on a free 127.0.0.1 port in a temp dir, without persistence, or throws a clear error: the
 * tests and the bench that need Redis fail rather than skip when it is missing.
 * @param {string} [binary]
 * @returns {Promise<import('./redis-server.d.mts').TestRedis>}
 */
export async function startRedis(binary = 'redis-server') {
  const dir = await mkdtemp(join(tmpdir(), 'wafstream-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes'];
  let child;
  let output = '';
  let spawnError;
  try {
    child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`redis-server could not be started (${String(error)}); install it (Debian: apt-get install redis-server)`);
  }
  child.on('error', (error) => (spawnError = error));
  child.stdout?.on('data', (chunk) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk) => (output += chunk.toString()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (spawnError || child.exitCode !== null) {
      await rm(dir, { recursive: true, force: true });
      const why = spawnError ? `${spawnError.message}; install it (Debian: apt-get install redis-server)` : `it exited with ${child.exitCode}`;
      throw new Error(`redis-server could not be started on 127.0.0.1:${port}: ${why}\n${output.slice(-2000)}`);
    }
    if (await ping(port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      throw new Error(`redis-server did not answer PING on 127.0.0.1:${port} within 10 s\n${output.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    host: '127.0.0.1',
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
