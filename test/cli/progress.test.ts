import { describe, expect, it } from 'vitest';
import { formatMs, Progress, progressLogger, renderLine } from '../../src/cli/progress.js';

/** A stand-in for a terminal: what was written, and whether it claims to be a TTY. */
function fakeStream(isTTY: boolean, columns = 80) {
  const writes: string[] = [];
  return { isTTY, columns, writes, write: (text: string) => void writes.push(text) };
}

describe('progress display', () => {
  it('renders events, events/s, pages, retries, and a percentage with an ETA when the total is known', () => {
    expect(renderLine({ events: 12_345, retries: 2, pages: 124, fraction: 0.25 }, 10_000)).toBe('12,345 events · 1,235/s · 124 pages · 2 retries · 25.0% · ETA 30s');
    expect(renderLine({ events: 10, retries: 0 }, 0)).toBe('10 events · 0/s · 0 retries');
    expect(renderLine({ events: 10, retries: 1, requests: 7 }, 1000)).toBe('10 events · 10/s · 7 requests · 1 retries');
    expect(formatMs(3_723_000)).toBe('1h02m');
    expect(formatMs(185_000)).toBe('3m05s');
  });

  it('on a TTY redraws one line in place at most every everyMs, then replaces it with the summary', () => {
    let now = 0;
    const tty = fakeStream(true, 40);
    const p = new Progress(tty, { now: () => now, everyMs: 100 });
    p.counts.events = 1;
    p.update(); // t=0: drawn
    now = 50;
    p.counts.events = 2;
    p.update(); // too soon: not drawn
    now = 150;
    p.counts.events = 3;
    p.counts.fraction = 0.5;
    p.update();
    expect(tty.writes).toHaveLength(2);
    for (const w of tty.writes) expect(w.startsWith('\r\x1b[2K')).toBe(true);
    expect(tty.writes[1]).toBe('\r\x1b[2K3 events · 20/s · 0 retries · 50.0% · E'); // cut to the terminal's width
    now = 2000;
    p.done('exported');
    expect(tty.writes.slice(2)).toEqual(['\r\x1b[2K', 'exported: 3 events · 2/s · 0 retries in 2s\n']);
  });

  it('elsewhere writes nothing until the one summary line', () => {
    let now = 0;
    const pipe = fakeStream(false);
    const p = new Progress(pipe, { now: () => now });
    for (let i = 0; i < 1000; i++) {
      p.counts.events++;
      now += 10;
      p.update();
    }
    p.done('exported');
    expect(pipe.writes).toEqual(['exported: 1,000 events · 100/s · 0 retries in 10s\n']);
  });

  it("counts the clients' retry warnings and shows other warnings on their own line", () => {
    const pipe = fakeStream(false);
    const p = new Progress(pipe);
    const logger = progressLogger(p, pipe);
    logger.warn('gcore GET …: answered 503; retry 1 of 4 in 500 ms');
    logger.warn('follow gcore.waap: read failed, retrying in 1000 ms');
    logger.warn('start is more than 30 days back');
    expect(p.counts.retries).toBe(2);
    expect(pipe.writes).toEqual(['warning: start is more than 30 days back\n']);
  });
});
