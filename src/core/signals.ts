import { setMaxListeners } from 'node:events';
import { abortReason, type Signals } from './retry.js';

/** Makes `controller` abort when any of `signals` does, with that signal's reason; returns the unhook. */
export function link(controller: AbortController, signals: Signals, reasonOf: (signal: AbortSignal) => unknown = abortReason): () => void {
  const hooks: Array<() => void> = [];
  for (const signal of signals) {
    if (!signal) continue;
    if (signal.aborted) {
      controller.abort(reasonOf(signal));
      break;
    }
    const onAbort = () => controller.abort(reasonOf(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    hooks.push(() => signal.removeEventListener('abort', onAbort));
  }
  return () => hooks.forEach((unhook) => unhook());
}

/**
 * A fresh controller that follows `signals`. Its signal takes any number of listeners (every page or request in
 * flight listens on it, which may exceed Node's warning threshold of 10), while each linked signal carries one.
 */
export function linkedController(signals: Signals, reasonOf?: (signal: AbortSignal) => unknown): { controller: AbortController; unlink: () => void } {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return { controller, unlink: link(controller, signals, reasonOf) };
}
