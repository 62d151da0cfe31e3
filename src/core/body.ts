import { Duplex, PassThrough, Writable, type Readable, type Transform } from 'node:stream';
import zlib from 'node:zlib';

/** What the transport asks for: every coding this Node can decode as a stream (zstd only where zlib has it). */
const zstd = (zlib as { createZstdDecompress?: () => Transform }).createZstdDecompress;
export const ACCEPT_ENCODING = zstd ? 'gzip, deflate, br, zstd' : 'gzip, deflate, br';

/** Why a body could not be read. `cut` is the connection's fault (retried); the others are the body's own (not). */
export class BodyError extends Error {
  constructor(
    readonly kind: 'cut' | 'too_large' | 'undecodable' | 'unknown_encoding',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ReadBodyOptions {
  /** The `content-encoding` header, as received. */
  contentEncoding: string | string[] | undefined;
  /** The `content-length` header: the transfer is complete only when this many bytes came. */
  contentLength: string | string[] | undefined;
  /** The most bytes to accept, on the wire and decoded alike (a compression bomb stops here). */
  maxBytes: number;
}

/** Reads a response body, decoding it as it streams and counting decoded bytes against `maxBytes`. */
export function readBody(body: Readable, options: ReadBodyOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let decoders: Transform[];
    try {
      decoders = decodersFor(options.contentEncoding);
    } catch (error) {
      // undici's body reports its own destruction as an 'error' (UND_ERR_ABORTED): expected here, not a fault.
      body.on('error', () => {});
      body.destroy();
      return reject(error);
    }
    const chunks: Buffer[] = [];
    let decoded = 0;
    let wire = 0;
    let settled = false;
    const settle = (error: Error | undefined) => {
      if (settled) return;
      settled = true;
      if (error) {
        body.destroy();
        for (const decoder of decoders) decoder.destroy();
        return reject(error);
      }
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, decoded));
    };
    const tooLarge = () => new BodyError('too_large', `the body is larger than maxResponseBytes (${options.maxBytes})`);
    const expected = declaredLength(options.contentLength);

    // Plain 'data' events: async iteration over a stream costs a promise per chunk, which shows on a hot path.
    body.on('data', (chunk: Buffer) => {
      wire += chunk.length;
      if (wire > options.maxBytes) settle(tooLarge());
    });
    body.on('error', (error) => settle(new BodyError('cut', `the connection broke while the body was read: ${error.message}`, { cause: error })));
    body.on('end', () => {
      // undici already fails a short body on a kept-alive socket; this also covers a server that closes early.
      if (expected !== undefined && wire !== expected) settle(new BodyError('cut', `the body ended after ${wire} of ${expected} bytes`));
    });

    let sink: Readable = body;
    for (const decoder of decoders) {
      decoder.on('error', (error) => settle(new BodyError('undecodable', `the ${String(options.contentEncoding)} body cannot be decoded: ${error.message}`)));
      sink = sink.pipe(decoder);
    }
    if (decoders.length) {
      sink.on('data', (chunk: Buffer) => {
        decoded += chunk.length;
        if (decoded > options.maxBytes) settle(tooLarge());
        else chunks.push(chunk);
      });
    } else {
      body.on('data', (chunk: Buffer) => {
        decoded += chunk.length;
        if (!settled) chunks.push(chunk);
      });
    }
    sink.on('end', () => {
      if (expected === undefined || wire === expected) settle(undefined);
    });
  });
}

/** Decoders in the order to apply them: `Content-Encoding: gzip, br` was gzipped first, so br comes off first. */
function decodersFor(header: string | string[] | undefined): Transform[] {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  const codings = text.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c && c !== 'identity');
  return codings.reverse().map((coding) => {
    switch (coding) {
      case 'gzip':
      case 'x-gzip':
        return zlib.createGunzip();
      case 'deflate':
        return inflateEither();
      case 'br':
        return zlib.createBrotliDecompress();
      case 'zstd':
        // zstd was not asked for when this Node cannot decode it.
        if (zstd) return zstd();
        throw new BodyError('unknown_encoding', 'the body is encoded as "zstd", which this Node cannot decode');
      default:
        throw new BodyError('unknown_encoding', `the body is encoded as "${coding}", which was not asked for and cannot be decoded`);
    }
  });
}

/** `deflate` means zlib-wrapped, but some servers send raw deflate: the first byte tells (a zlib header's low
 *  nibble is 8, the deflate method), as browsers and undici's fetch decide it. */
function inflateEither(): Transform {
  let inner: Transform | undefined;
  const outer = new PassThrough();
  const entry = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!inner) {
        inner = (chunk[0]! & 0x0f) === 0x08 ? zlib.createInflate() : zlib.createInflateRaw();
        inner.on('error', (error) => outer.destroy(error));
        inner.pipe(outer);
      }
      inner.write(chunk, done);
    },
    final(done) {
      if (inner) inner.end(done);
      else {
        outer.end();
        done();
      }
    },
  });
  return Duplex.from({ writable: entry, readable: outer }) as unknown as Transform;
}

function declaredLength(header: string | string[] | undefined): number | undefined {
  const text = Array.isArray(header) ? header[0] : header;
  return text && /^\d+$/.test(text.trim()) ? Number(text) : undefined;
}
