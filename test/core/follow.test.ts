import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { fileCheckpointStore, memoryCheckpointStore } from '../../src/core/checkpoint-store.js';
import { AuthenticationError, FilterValidationError, ServerError } from '../../src/core/errors.js';
import { followStream, type FollowOptions } from '../../src/core/follow.js';
import { makeArrivals, virtualClock, type Arrival } from '../support/arrival-fake.js';
import { memorySource, type MemoryEvent } from '../support/follow-source.js';

const T0 = Date.parse('2026-11-22T00:00:00Z');
const MIN = 60_000;
const base = { lagMs: 2 * MIN, overlapMs: MIN, intervalMs: 15_000 } satisfies FollowOptions;

/** Reads until the clock passes `untilMs`, then aborts; returns the ids in delivery order. */
async function collect(stream: AsyncIterable<MemoryEvent>, clock: { now(): number }, controller: AbortController, untilMs: number, onEvent?: (e: MemoryEvent) => void) {
  const ids: string[] = [];
  for await (const event of stream) {
    ids.push(event.id);
    onEvent?.(event);
    if (clock.now() >= untilMs) controller.abort();
  }
  return ids;
}

function runUntil(clock: ReturnType<typeof virtualClock>, untilMs: number, controller: AbortController) {
  const sleep = clock.sleep;
  clock.sleep = async (ms, signal) => {
    await sleep(ms, signal);
    if (clock.now() >= untilMs) controller.abort();
  };
}

describe('follow', () => {
  it('delivers every event exactly once, late ones within the overlap included, each poll oldest first', async () => {
    const arrivals = makeArrivals({ startMs: T0, endMs: T0 + 30 * MIN, everyMs: 700, lagMs: base.lagMs, overlapMs: base.overlapMs });
    const clock = virtualClock(T0);
    const controller = new AbortController();
    runUntil(clock, T0 + 40 * MIN, controller);
    const { spec } = memorySource(arrivals, clock.now);
    const stream = followStream(spec, { ...base, from: T0, clock, signal: controller.signal });
    const ids = await collect(stream, clock, controller, Infinity);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(arrivals.map((a) => a.id).sort());
    // Some really were late: delivered after a newer event.
    const time = new Map(arrivals.map((a) => [a.id, a.time]));
    const lateOnes = ids.filter((id, i) => i > 0 && time.get(id)! < time.get(ids[i - 1]!)!);
    expect(lateOnes.length).toBeGreaterThan(0);
    expect(stream.stats().skipped).toBeGreaterThan(0);
  });

  it('an idle source costs one read per interval', async () => {
    const clock = virtualClock(T0);
    const controller = new AbortController();
    runUntil(clock, T0 + 10 * MIN, controller);
    const { spec, reads } = memorySource([], clock.now);
    const stream = followStream(spec, { ...base, from: T0 - 2 * MIN, clock, signal: controller.signal });
    await collect(stream, clock, controller, Infinity);
    // 10 minutes at 15 s: 40 polls, give or take the first and the last.
    expect(reads.length).toBeGreaterThanOrEqual(39);
    expect(reads.length).toBeLessThanOrEqual(41);
    expect(stream.stats().behindMs).toBeLessThanOrEqual(15_000);
  });

  it('commits only handled events: the one being processed at a crash comes back, none before it', async () => {
    const arrivals: Arrival[] = Array.from({ length: 10 }, (_, i) => ({ id: `e${i}`, time: T0 + i * 1000, visibleAt: T0 }));
    const clock = virtualClock(T0 + 10 * MIN);
    const store = memoryCheckpointStore();
    const save = vi.spyOn(store, 'save');
    const { spec } = memorySource(arrivals, clock.now);
    const first = followStream(spec, { ...base, from: T0, clock, store, commitEvery: { events: 3, ms: 3_600_000 } });
    const iterator = first[Symbol.asyncIterator]();
    const got: string[] = [];
    for (let i = 0; i < 5; i++) got.push(((await iterator.next()) as IteratorYieldResult<MemoryEvent>).value.id);
    // e0..e3 handled (asking for e4 handled e3); commit at 3: e0..e2 in the store.
    expect(save).toHaveBeenCalledTimes(1);
    // A crash now: no return(), nothing more saved. A new process resumes from the store.
    const second = followStream(spec, { ...base, from: T0, clock, store });
    const again = second[Symbol.asyncIterator]();
    const next = ((await again.next()) as IteratorYieldResult<MemoryEvent>).value.id;
    expect(got).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
    expect(next).toBe('e3');
    await again.return!();
  });

  it('break commits what was handled; commit() makes the current event handled too', async () => {
    const arrivals: Arrival[] = Array.from({ length: 6 }, (_, i) => ({ id: `e${i}`, time: T0 + i * 1000, visibleAt: T0 }));
    const clock = virtualClock(T0 + 10 * MIN);
    const store = memoryCheckpointStore();
    const { spec } = memorySource(arrivals, clock.now);
    for await (const event of followStream(spec, { ...base, from: T0, clock, store })) if (event.id === 'e2') break;
    const resumed = followStream(spec, { ...base, from: T0, clock, store });
    for await (const event of resumed) {
      expect(event.id).toBe('e2');
      await resumed.commit();
      break;
    }
    for await (const event of followStream(spec, { ...base, from: T0, clock, store })) {
      expect(event.id).toBe('e3');
      break;
    }
  });

  it('survives a run of 5xx with capped, jittered backoff, logs at warn and counts retries', async () => {
    const arrivals = makeArrivals({ startMs: T0, endMs: T0 + 30 * MIN, everyMs: 2000, lagMs: base.lagMs, overlapMs: base.overlapMs });
    const clock = virtualClock(T0);
    const controller = new AbortController();
    runUntil(clock, T0 + 40 * MIN, controller);
    const down = (now: number) => now >= T0 + 10 * MIN && now < T0 + 20 * MIN;
    const fail = (now: number) => (down(now) ? new ServerError({ provider: 'gcore', status: 503, method: 'GET', path: '/x' }) : undefined);
    const { spec } = memorySource(arrivals, clock.now, { fail });
    const warn = vi.fn();
    const sleeps: number[] = [];
    const sleep = clock.sleep;
    clock.sleep = (ms, signal) => (sleeps.push(ms), sleep(ms, signal));
    const stream = followStream({ ...spec, logger: { warn } }, { ...base, from: T0, clock, signal: controller.signal, backoff: { baseMs: 1000, maxMs: 60_000 } });
    const ids = await collect(stream, clock, controller, Infinity);
    expect([...ids].sort()).toEqual(arrivals.map((a) => a.id).sort());
    expect(stream.stats().retries).toBeGreaterThan(5);
    expect(warn).toHaveBeenCalled();
    expect(Math.max(...sleeps)).toBeLessThanOrEqual(60_000);
  });

  it('ends loudly on an authentication error, after committing what was handled', async () => {
    const clock = virtualClock(T0);
    const arrivals: Arrival[] = [{ id: 'a', time: T0 - 2.5 * MIN, visibleAt: 0 }];
    let calls = 0;
    const fail = () => (calls++ > 0 ? new AuthenticationError({ provider: 'gcore', status: 401, method: 'GET', path: '/x' }) : undefined);
    const store = memoryCheckpointStore();
    const { spec } = memorySource(arrivals, clock.now, { fail });
    const stream = followStream(spec, { ...base, from: T0 - 20 * MIN, clock, store });
    await expect(collect(stream, clock, new AbortController(), Infinity)).rejects.toBeInstanceOf(AuthenticationError);
    expect((await store.load())!.position.ids.flatMap(([, ids]) => ids)).toEqual(['a']);
  });

  it('stops on abort: resolves the iteration, commits, and leaves no timer behind', async () => {
    const store = memoryCheckpointStore();
    const { spec } = memorySource([], Date.now);
    const controller = new AbortController();
    const stream = followStream(spec, { ...base, lagMs: 0, intervalMs: 3_600_000, store, signal: controller.signal });
    const done = collect(stream, { now: Date.now }, controller, Infinity);
    setTimeout(() => controller.abort(), 50);
    await expect(done).resolves.toEqual([]);
    expect(await store.load()).toBeDefined();
    expect(stream.stats().committedAt).not.toBeNull();
  });

  it('reads a newest-first source in sorted sub-windows no larger than maxBufferedEvents', async () => {
    const arrivals = makeArrivals({ startMs: T0, endMs: T0 + 20 * MIN, everyMs: 100, lagMs: base.lagMs, overlapMs: base.overlapMs });
    const clock = virtualClock(T0 + 30 * MIN);
    const controller = new AbortController();
    runUntil(clock, T0 + 31 * MIN, controller);
    const { spec, reads } = memorySource(arrivals, clock.now, { order: 'desc' });
    const stream = followStream(spec, { ...base, from: T0, clock, signal: controller.signal, maxBufferedEvents: 500 });
    const times: number[] = [];
    const ids = await collect(stream, clock, controller, Infinity, (e) => times.push(e.time.getTime()));
    expect([...ids].sort()).toEqual(arrivals.map((a) => a.id).sort());
    // Everything was visible up front: strictly oldest first.
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // 500 events at 10/s: a sub-window that held more was dropped and read again, shorter, from the same start.
    const count = (r: { start: number; end: number }) => arrivals.filter((a) => a.time >= r.start && a.time < r.end).length;
    const overflowed = reads.filter((r) => count(r) > 500);
    expect(overflowed.length).toBeGreaterThan(0);
    for (const r of overflowed) expect(reads.some((o) => o.start === r.start && o.end - o.start < r.end - r.start)).toBe(true);
  });

  it('refuses an edited checkpoint and one of other filters', async () => {
    const clock = virtualClock(T0);
    const { spec } = memorySource([], clock.now);
    const checkpoint = followStream(spec, { ...base, from: T0, clock }).checkpoint();
    expect(() => followStream(spec, { from: { ...checkpoint, position: { ...checkpoint.position, through: 1 } } })).toThrow(FilterValidationError);
    expect(() => followStream({ ...spec, filters: { other: 1 } }, { from: checkpoint })).toThrow(/different filters/);
    expect(() => followStream(spec, { lagMs: -1 })).toThrow(/lagMs/);
  });
});

describe('follow, bounds and pages', () => {
  it('caps the tracked ids and stays exact: the overlap narrows instead', async () => {
    const arrivals = makeArrivals({ startMs: T0, endMs: T0 + 10 * MIN, everyMs: 100, lagMs: 0, overlapMs: 0 });
    const clock = virtualClock(T0);
    const controller = new AbortController();
    runUntil(clock, T0 + 15 * MIN, controller);
    const warn = vi.fn();
    const { spec } = memorySource(arrivals, clock.now);
    const stream = followStream({ ...spec, logger: { warn } }, { lagMs: 0, overlapMs: 5 * MIN, intervalMs: 15_000, from: T0, clock, signal: controller.signal, maxTrackedIds: 500 });
    const ids = await collect(stream, clock, controller, Infinity);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(arrivals.map((a) => a.id).sort());
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('maxTrackedIds'));
    expect(stream.checkpoint().position.ids.flatMap(([, group]) => group).length).toBeLessThanOrEqual(500);
  });

  it('moves a position older than the source keeps up to its retention, with a warning', async () => {
    const clock = virtualClock(T0 + 60 * MIN);
    const controller = new AbortController();
    runUntil(clock, T0 + 61 * MIN, controller);
    const warn = vi.fn();
    const { spec, reads } = memorySource([], clock.now);
    const stream = followStream({ ...spec, logger: { warn }, earliestMs: (now) => now - 10 * MIN }, { ...base, from: T0, clock, signal: controller.signal });
    await collect(stream, clock, controller, Infinity);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('retention'));
    for (const read of reads) expect(read.start).toBeGreaterThanOrEqual(T0 + 50 * MIN);
  });

  it('commits by time too, and pages() hands over whole pages with their checkpoint', async () => {
    const arrivals: Arrival[] = Array.from({ length: 120 }, (_, i) => ({ id: `p${i}`, time: T0 + i * 1000, visibleAt: T0 }));
    const clock = virtualClock(T0 + 10 * MIN);
    const controller = new AbortController();
    runUntil(clock, T0 + 12 * MIN, controller);
    const store = memoryCheckpointStore();
    const save = vi.spyOn(store, 'save');
    const { spec } = memorySource(arrivals, clock.now, { pageSize: 50 });
    const stream = followStream(spec, { ...base, from: T0, clock, store, signal: controller.signal, commitEvery: { events: 1_000_000, ms: 30_000 } });
    const sizes: number[] = [];
    for await (const page of stream.pages()) {
      sizes.push(page.items.length);
      expect(page.checkpoint.position.ids.flat(2)).toContain(page.items.at(-1)!.id);
    }
    expect(sizes).toEqual([50, 50, 20]);
    // Two idle minutes at a 30 s commit period, plus the stop.
    expect(save.mock.calls.length).toBeGreaterThanOrEqual(3);
    expect((await store.load())!.position.through).toBeGreaterThan(T0 + 119_000);
  });
});

describe('fileCheckpointStore', () => {
  it('saves atomically and reads back; refuses a corrupt or foreign file loudly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wafstream-store-'));
    const path = join(dir, 'pos.json');
    const store = fileCheckpointStore(path);
    expect(await store.load()).toBeUndefined();
    const clock = virtualClock(T0);
    const { spec } = memorySource([], clock.now);
    const checkpoint = followStream(spec, { from: T0, clock }).checkpoint();
    await store.save(checkpoint);
    await store.save(checkpoint);
    expect(await store.load()).toEqual(checkpoint);
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.slice(0, text.length - 5));
    await expect(store.load()).rejects.toThrow(/not JSON/);
    await writeFile(path, JSON.stringify({ v: 1, source: 'x' }));
    await expect(store.load()).rejects.toThrow(/not a wafstream follow checkpoint/);
    await writeFile(path, text.replace(/"through":\d+/, '"through":5'));
    await expect(store.load()).rejects.toThrow(/integrity/);
  });
});
