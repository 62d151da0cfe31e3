import { describe, expect, it } from 'vitest';
import { link, linkedController } from '../../src/core/signals.js';

describe('linkedController', () => {
  it('aborts with the reason of the first linked signal that aborts', () => {
    const a = new AbortController();
    const b = new AbortController();
    const { controller } = linkedController([a.signal, undefined, b.signal]);
    expect(controller.signal.aborted).toBe(false);
    const reason = new Error('b stopped');
    b.abort(reason);
    expect(controller.signal.reason).toBe(reason);
    a.abort(new Error('later'));
    expect(controller.signal.reason).toBe(reason);
  });

  it('is aborted at once when a linked signal already is, and turns a non-Error reason into an AbortError', () => {
    const a = new AbortController();
    a.abort('gone');
    const { controller } = linkedController([a.signal]);
    expect(controller.signal.aborted).toBe(true);
    expect(controller.signal.reason).toBeInstanceOf(DOMException);
    expect((controller.signal.reason as DOMException).message).toBe('gone');
  });

  it('keeps the raw reason when asked to', () => {
    const a = new AbortController();
    const { controller } = linkedController([a.signal], (signal) => signal.reason);
    a.abort('raw');
    expect(controller.signal.reason).toBe('raw');
  });

  it('stops following after unlink', () => {
    const a = new AbortController();
    const { controller, unlink } = linkedController([a.signal]);
    unlink();
    a.abort();
    expect(controller.signal.aborted).toBe(false);
  });

  it('lets many listeners wait on its signal without a warning (a plain signal warns)', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const { controller } = linkedController([]);
      for (let i = 0; i < 20; i++) controller.signal.addEventListener('abort', () => {});
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
      const plain = new AbortController();
      for (let i = 0; i < 20; i++) plain.signal.addEventListener('abort', () => {});
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toHaveLength(1);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('link hooks an existing controller', () => {
    const a = new AbortController();
    const target = new AbortController();
    link(target, [a.signal]);
    a.abort();
    expect(target.signal.aborted).toBe(true);
  });
});
