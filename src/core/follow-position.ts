import type { FollowPosition } from './follow-checkpoint.js';

/**
 * The mutable position of a follow stream, advanced only by handled events and finished windows.
 * `ids` holds every id delivered at or after `through − overlapMs` (and at or after `floor`): exactly what a
 * re-read of the overlap could return again.
 */
export class PositionTracker {
  through: number;
  floor: number;
  readonly #ids = new Map<string, number>();
  readonly #overlapMs: number;
  readonly #maxIds: number;
  /** Called when the id cap raised `floor`: the overlap is narrower than asked until `through` passes it. */
  readonly #onCap: (floor: number) => void;

  constructor(start: FollowPosition, overlapMs: number, maxIds: number, onCap: (floor: number) => void) {
    this.through = start.through;
    this.floor = start.floor;
    for (const [time, ids] of start.ids) for (const id of ids) this.#ids.set(id, time);
    this.#overlapMs = overlapMs;
    this.#maxIds = maxIds;
    this.#onCap = onCap;
  }

  /** Where the next read starts: `overlapMs` before the watermark, never before what the id set covers. */
  readStart(): number {
    return Math.max(this.through - this.#overlapMs, this.floor);
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  get size(): number {
    return this.#ids.size;
  }

  /** One event handled. Polls deliver oldest first, so every event of the window before it has been handled. */
  handled(id: string, timeMs: number): void {
    this.#ids.set(id, timeMs);
    if (timeMs > this.through) this.through = timeMs;
    if (this.#ids.size > this.#maxIds) this.prune();
  }

  /** A window read to its end and handled: nothing before `endMs` is left to read. */
  finished(endMs: number): void {
    if (endMs > this.through) this.through = endMs;
    this.prune();
  }

  /** Forgets ids the next read cannot return; past the cap, drops the oldest and raises `floor` past them. */
  prune(): void {
    const horizon = this.readStart();
    for (const [id, time] of this.#ids) if (time < horizon) this.#ids.delete(id);
    if (this.#ids.size <= this.#maxIds) return;
    // Keep about 90% of the cap, so a steady burst does not sort the set on every event.
    const times = [...this.#ids.values()].sort((a, b) => a - b);
    // Ids at `through` stay whatever their number: dropping them would skip the rest of that millisecond.
    const cut = Math.min(times[times.length - Math.floor(this.#maxIds * 0.9)]!, this.through - 1);
    if (cut < this.floor) return;
    for (const [id, time] of this.#ids) if (time <= cut) this.#ids.delete(id);
    this.floor = cut + 1;
    this.#onCap(this.floor);
  }

  /** The JSON position, ids grouped by time, oldest first; `extra` are events received but not handled yet. */
  snapshot(extra: ReadonlyArray<{ id: string; time: Date }> = []): FollowPosition {
    this.prune();
    let through = this.through;
    const byTime = new Map<number, string[]>();
    const entries: Array<[string, number]> = [...this.#ids];
    for (const event of extra) {
      const time = event.time.getTime();
      entries.push([event.id, time]);
      if (time > through) through = time;
    }
    for (const [id, time] of entries) {
      const group = byTime.get(time);
      if (group) group.push(id);
      else byTime.set(time, [id]);
    }
    const ids = [...byTime].sort(([a], [b]) => a - b);
    return { through, floor: this.floor, ids };
  }
}
