import { describe, expect, it } from 'vitest';
import { pinWindow, windowOf } from '../../src/core/client-window.js';

const NOW = Date.parse('2026-11-20T12:00:00.750Z');
const millis = { grainMs: 1, settleMs: 0 };
const seconds = { grainMs: 1000, settleMs: 1000, defaultSpanMs: 86_400_000 };

describe('pinWindow: one rule, the differences as data', () => {
  it('pins an open end to now at millisecond grain', () => {
    expect(pinWindow({ start: new Date(0) }, millis, NOW)).toEqual({ startMs: 0, endMs: NOW });
  });

  it('pins an open end to the last complete second at second grain, and a start a day before', () => {
    const settled = Date.parse('2026-11-20T11:59:59Z');
    expect(pinWindow({}, seconds, NOW)).toEqual({ startMs: settled - 86_400_000, endMs: settled });
  });

  it('keeps an end already settled, and clamps one in the future', () => {
    const past = new Date(NOW - 10_000);
    expect(pinWindow({ start: new Date(0), end: past }, seconds, NOW).endMs).toBe(past.getTime());
    expect(pinWindow({ start: new Date(0), end: new Date(NOW + 60_000) }, millis, NOW).endMs).toBe(NOW);
    expect(pinWindow({ start: new Date(0), end: new Date(NOW + 60_000) }, seconds, NOW).endMs).toBe(Date.parse('2026-11-20T11:59:59Z'));
  });

  it('refuses to invent a start when the rule has no default span', () => {
    expect(() => pinWindow({}, millis, NOW)).toThrow(/needs a start/);
  });

  it('reads start and end from validated filters; null or a non-Date is absent', () => {
    const start = new Date(1);
    expect(windowOf({ start, end: null })).toEqual({ start, end: undefined });
    expect(windowOf({ start: '2026-01-01' })).toEqual({ start: undefined, end: undefined });
  });
});
