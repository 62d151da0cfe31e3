/**
 * Starts the bench's fake provider API (server.mjs) in a child process, so its CPU is not the SDK's, and reads the
 * JSON line it prints first (port, windows, ids). `stats()` asks the server what it served; `stop()` ends it.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';

const SERVER = fileURLToPath(new URL('./server.mjs', import.meta.url));

export async function startBenchServer({ total, latency }) {
  const child = spawn(process.execPath, [SERVER, '--total', String(total), '--latency', String(latency)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const info = await new Promise((resolve, reject) => {
    let buffered = '';
    child.once('exit', (code) => reject(new Error(`bench server exited early (code ${code})`)));
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline >= 0) resolve(JSON.parse(buffered.slice(0, newline)));
    });
  });
  const base = `http://127.0.0.1:${info.port}`;
  return {
    ...info,
    base,
    async stats() {
      const res = await request(`${base}/__stats`);
      return res.body.json();
    },
    stop() {
      child.stdin.end();
      child.kill();
    },
  };
}
