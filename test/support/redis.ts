import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real redis-server for one test file: a free 127.0.0.1 port, a temp dir, no persistence. */
export interface TestRedis {
  host: string;
  port: number;
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
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

function ping(port: number): Promise<boolean> {
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
 * Starts redis-server, or throws a clear error: the tests that need Redis fail rather than skip when it is missing.
 */
export async function startRedis(binary = 'redis-server'): Promise<TestRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'wafstream-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes'];
  let child: ChildProcess;
  let output = '';
  let spawnError: Error | undefined;
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
