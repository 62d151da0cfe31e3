/**
 * Faults a handler asks the transport bridge to act out, by setting this header on its response: a Fetch
 * `Response` cannot say "kill the socket", so the node:http server and the msw adapter read this header instead.
 * - `reset`: the connection dies before any response byte.
 * - `truncate`: status and headers go out with the full Content-Length, then half the body, then the socket dies.
 */
export const FAULT_HEADER = 'x-fake-fault';
export type Fault = 'reset' | 'truncate';

/** A response that the bridges turn into a dead connection (`reset`). */
export function resetResponse(): Response {
  return new Response(null, { headers: { [FAULT_HEADER]: 'reset' } });
}

/** `response`, marked so that the bridges send only half of its body and then drop the connection. */
export function truncated(response: Response): Response {
  const headers = new Headers(response.headers);
  headers.set(FAULT_HEADER, 'truncate');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** The fault a response asks for, if any. */
export function faultOf(response: Response): Fault | undefined {
  if (response.type === 'error') return 'reset';
  const value = response.headers.get(FAULT_HEADER);
  return value === 'reset' || value === 'truncate' ? value : undefined;
}

/** Reads a body to the end, or as far as it goes: a body stream that errors midway is a truncated answer. */
export async function readBody(response: Response): Promise<{ body: Buffer; complete: boolean }> {
  const chunks: Buffer[] = [];
  if (!response.body) return { body: Buffer.alloc(0), complete: true };
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { body: Buffer.concat(chunks), complete: true };
      chunks.push(Buffer.from(value));
    }
  } catch {
    return { body: Buffer.concat(chunks), complete: false };
  }
}

/**
 * What a bridge must put on the wire: `reset` (nothing), or a status, headers without the fault marker, the
 * Content-Length of the whole body, and the bytes to send before the connection dies (`cut`) or all of them.
 */
export type Wire =
  | { kind: 'reset' }
  | { kind: 'send'; status: number; statusText: string; headers: Array<[string, string]>; length: number; body: Buffer; cut: boolean };

/** Turns a handler's response into what goes on the wire, acting out a fault marker or a body that broke off. */
export async function toWire(response: Response): Promise<Wire> {
  const fault = faultOf(response);
  if (fault === 'reset') return { kind: 'reset' };
  const { body, complete } = await readBody(response);
  const headers: Array<[string, string]> = [];
  response.headers.forEach((value, key) => {
    if (key !== FAULT_HEADER && key !== 'content-length') headers.push([key, value]);
  });
  const declared = Number(response.headers.get('content-length'));
  const base = { kind: 'send', status: response.status, statusText: response.statusText, headers } as const;
  if (fault === 'truncate') return { ...base, length: body.length, body: body.subarray(0, body.length >> 1), cut: true };
  if (!complete) return { ...base, length: Math.max(declared || 0, body.length + 1), body, cut: true };
  return { ...base, length: body.length, body, cut: false };
}
