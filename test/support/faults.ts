/**
 * Faults a fake can ask the transport bridges to act out, by setting this header on its response.
 * Both bridges (in-process dispatcher and loopback server) honour them, so a fake is written once.
 * - `reset`: the connection dies before any response byte.
 * - `truncate`: status and headers go out with the full Content-Length, then half the body, then the socket dies.
 */
export const FAULT_HEADER = 'x-fake-fault';
export type Fault = 'reset' | 'truncate';
