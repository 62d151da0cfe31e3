import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';

/**
 * Prism (`@stoplight/prism-cli`) serving an OpenAPI document on 127.0.0.1, validating every request against it,
 * and a recording proxy in front of it: Prism says whether a request was valid (a 422 and an `sl-violations`
 * header when not), the proxy keeps what the SDK sent and what Prism answered, so a test can check both.
 */
export interface PrismServer {
  /** The proxy's origin: `http://127.0.0.1:<port>`; give it to the client as `baseUrl`. */
  url: string;
  /** Prism itself, for requests the test sends past the proxy. */
  prismUrl: string;
  exchanges: Exchange[];
  close(): Promise<void>;
}

export interface Exchange {
  url: URL;
  headers: IncomingHttpHeaders;
  status: number;
  /** Prism's findings about the request (and, with `--errors`, the response it made), from `sl-violations`. */
  violations: { location: string[]; severity: string; message: string }[];
  body: unknown;
}

const PRISM_BIN = createRequire(import.meta.url).resolve('@stoplight/prism-cli/dist/index.js');
const START_TIMEOUT_MS = 45_000;

/** Starts Prism in mock mode on a free port, or throws saying why (never resolves without a listening Prism). */
export async function startPrism(specPath: string): Promise<PrismServer> {
  let lastError: Error | undefined;
  // A free port can be taken between the probe and Prism's listen: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      const child = await spawnPrism(specPath, port);
      return await withProxy(child, `http://127.0.0.1:${port}`);
    } catch (error) {
      lastError = error as Error;
      if (!lastError.message.includes('EADDRINUSE')) break;
    }
  }
  throw new Error(`Prism (the Gcore contract mock) could not start: ${lastError?.message}`);
}

function spawnPrism(specPath: string, port: number): Promise<ChildProcess> {
  const args = [PRISM_BIN, 'mock', specPath, '--port', String(port), '--host', '127.0.0.1', '--errors'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "Prism is listening" within ${START_TIMEOUT_MS} ms; output:\n${log}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Prism is listening')) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code ?? signal}) before listening; output:\n${log}`));
    });
  });
}

async function withProxy(child: ChildProcess, prismUrl: string): Promise<PrismServer> {
  const exchanges: Exchange[] = [];
  const target = new URL(prismUrl);
  const proxy = createServer((req, res) => {
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const violations = answer.headers['sl-violations'];
          exchanges.push({
            url: new URL(req.url!, prismUrl),
            headers: req.headers,
            status: answer.statusCode!,
            violations: typeof violations === 'string' ? JSON.parse(violations) : [],
            body: text ? (JSON.parse(text) as unknown) : undefined,
          });
          res.writeHead(answer.statusCode!, answer.headers);
          res.end(text);
        });
      },
    );
    upstream.on('error', (error) => {
      res.statusCode = 502;
      res.end(String(error));
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const exited = new Promise<void>((resolve) => (child.exitCode === null ? child.once('exit', () => resolve()) : resolve()));
  // A worker that dies before afterAll must not leave Prism running.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    prismUrl,
    exchanges,
    async close() {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      process.off('exit', orphanGuard);
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
