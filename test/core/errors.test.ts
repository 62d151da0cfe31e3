import { describe, expect, it } from 'vitest';
import { ApiError, isApiError, isTimeoutError, isWafstreamError, RateLimitError, TimeoutError } from '../../src/core/errors.js';

describe('error guards', () => {
  it('match our errors by class, and by name across package copies', () => {
    const ours = new TimeoutError('gcore', '/x', 10);
    expect(isTimeoutError(ours)).toBe(true);
    expect(isWafstreamError(ours)).toBe(true);
    // A copy from another instance of the package: a different class, the same name and brand.
    const foreign = Object.create(Object.getPrototypeOf(new RateLimitError({ provider: 'gcore', status: 429, method: 'GET', path: '/' })));
    Object.setPrototypeOf(foreign, Object.assign(Object.create(Error.prototype), { [Symbol.for('wafstream.error')]: true }));
    foreign.name = 'RateLimitError';
    expect(foreign instanceof ApiError).toBe(false);
    expect(isApiError(foreign)).toBe(true);
  });

  it('do not mistake a platform error of the same name for ours', async () => {
    const signal = AbortSignal.timeout(1);
    await new Promise((r) => setTimeout(r, 20));
    expect((signal.reason as Error).name).toBe('TimeoutError');
    expect(isTimeoutError(signal.reason)).toBe(false);
    expect(isWafstreamError(signal.reason)).toBe(false);
  });
});
