import { z } from 'zod';
import { InvalidRecord, type PagingContext } from '../pager.js';

/**
 * The read's frontier in a time-ordered stream: the time of the last record delivered and the ids delivered at
 * exactly that time. A record behind the frontier (older in `asc`, newer in `desc`) or at it with a known id was
 * delivered already, or arrived late during the read; either way it is dropped, which is what makes re-reading a
 * range after the data moved (re-anchoring on the frontier) safe. Memory is bounded by the records of one instant.
 */
export const frontierSchema = z.strictObject({
  t: z.number().int(),
  ids: z.array(z.string()).min(1),
});
export type FrontierState = z.infer<typeof frontierSchema>;

export type Direction = 'asc' | 'desc';

export class Frontier {
  #t: number | undefined;
  /** The first id admitted at `#t`; the others (ties) in `#more`, created only when a tie occurs. */
  #first = '';
  #more: Set<string> | undefined;
  readonly #desc: boolean;
  /** Records admitted since the last `progress()` call. */
  #admitted = 0;

  constructor(direction: Direction, state: FrontierState | null | undefined) {
    this.#desc = direction === 'desc';
    if (state) {
      this.#t = state.t;
      this.#first = state.ids[0]!;
      if (state.ids.length > 1) this.#more = new Set(state.ids.slice(1));
    }
  }

  get t(): number | undefined {
    return this.#t;
  }

  state(): FrontierState | null {
    return this.#t === undefined ? null : { t: this.#t, ids: [this.#first, ...(this.#more ?? [])] };
  }

  /** Whether `id` was admitted at the frontier's own time. */
  has(id: string): boolean {
    return id === this.#first || this.#more?.has(id) === true;
  }

  /** Whether (t, id) lies ahead of everything admitted so far; admits it if so. Runs once per record. */
  admit(t: number, id: string): boolean {
    if (this.#t === undefined || (this.#desc ? t < this.#t : t > this.#t)) {
      this.#t = t;
      this.#first = id;
      this.#more = undefined;
      this.#admitted++;
      return true;
    }
    if (t !== this.#t || this.has(id)) return false;
    (this.#more ??= new Set()).add(id);
    this.#admitted++;
    return true;
  }

  /** Counts `n` records admitted without `admit` (a page already known to lie ahead; see `admitFresh`). */
  advancedBy(n: number): void {
    this.#admitted += n;
  }

  /** How many records were admitted since the last call (a repair that admits none made no progress). */
  progress(): number {
    const n = this.#admitted;
    this.#admitted = 0;
    return n;
  }
}

/** A record's place in the order: its time in epoch ms and its id. */
export interface Place {
  t: number;
  id: string;
}

export interface Admitted<Raw> {
  items: Array<Raw | InvalidRecord>;
  /** The frontier after `items[index]` was delivered. */
  frontAfter(index: number): FrontierState | null;
  /** Records dropped as already delivered (or late arrivals behind the frontier). */
  dropped: number;
}

/**
 * Filters one page through the frontier. `place` returns undefined for a record outside the window (dropped
 * silently: the window's own trim). Invalid records pass through untouched: the stream decides their fate.
 */
export function admitPage<Raw>(
  items: ReadonlyArray<Raw | InvalidRecord>,
  front: Frontier,
  place: (raw: Raw) => Place | undefined,
): Admitted<Raw> {
  const before = front.state();
  // Hot path: a page that loses nothing is handed on as it is, without a copy.
  let kept: Array<Raw | InvalidRecord> | undefined;
  let dropped = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    let keep = true;
    if (!(item instanceof InvalidRecord)) {
      const at = place(item);
      if (!at) keep = false;
      else if (!front.admit(at.t, at.id)) {
        keep = false;
        dropped++;
      }
    }
    if (keep) kept?.push(item);
    else kept ??= items.slice(0, i);
  }
  const out = kept ?? (items as Array<Raw | InvalidRecord>);
  return {
    items: out,
    dropped,
    // Checkpoints are rare: the frontier after an item is worked out from the page only when asked for.
    frontAfter: frontAfterOf(out, before, place),
  };
}

/**
 * `admitPage` for a page the caller has verified lies wholly ahead of the frontier from `from` on (an offset page
 * whose one-record overlap matched; a page whose head is older than the frontier), inside the window: the hot path.
 * Only the trailing run of records sharing the last time touches the frontier; the rest pass without a lookup.
 */
export function admitFresh<Raw>(
  items: ReadonlyArray<Raw | InvalidRecord>,
  from: number,
  front: Frontier,
  place: (raw: Raw) => Place | undefined,
): Admitted<Raw> {
  const before = front.state();
  const out = from ? items.slice(from) : (items as Array<Raw | InvalidRecord>);
  let j = out.length - 1;
  let t: number | undefined;
  for (; j >= 0; j--) {
    const item = out[j]!;
    if (item instanceof InvalidRecord) continue;
    const at = place(item)!.t;
    if (t === undefined) t = at;
    else if (at !== t) break;
  }
  let fresh = 0;
  for (let k = 0; k <= j; k++) if (!(out[k] instanceof InvalidRecord)) fresh++;
  front.advancedBy(fresh);
  for (let k = j + 1; k < out.length; k++) {
    const item = out[k]!;
    if (item instanceof InvalidRecord) continue;
    const at = place(item)!;
    front.admit(at.t, at.id);
  }
  return { items: out, dropped: 0, frontAfter: frontAfterOf(out, before, place) };
}

function frontAfterOf<Raw>(out: ReadonlyArray<Raw | InvalidRecord>, before: FrontierState | null, place: (raw: Raw) => Place | undefined) {
  return (index: number): FrontierState | null => {
    let t: number | undefined;
    const same: string[] = [];
    let k = index;
    for (; k >= 0; k--) {
      const item = out[k]!;
      if (item instanceof InvalidRecord) continue;
      const at = place(item)!;
      if (t === undefined) t = at.t;
      else if (at.t !== t) break;
      same.push(at.id);
    }
    if (t === undefined) return before;
    if (k < 0 && before && before.t === t) same.push(...before.ids);
    return { t, ids: same.reverse() };
  };
}

/** Requests in a row that moved the read nowhere before the strategy gives up with `PaginationError`. */
export const MAX_STALLS = 3;

/** Waits before a repair that follows one without progress: 1x, 2x, 4x `baseMs`. */
export async function stallDelay(stalls: number, baseMs: number, context: PagingContext): Promise<void> {
  if (stalls === 0 || baseMs === 0) return;
  const ms = baseMs * 2 ** (stalls - 1);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      context.signal.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(context.signal.reason);
    }
    if (context.signal.aborted) onAbort();
    else context.signal.addEventListener('abort', onAbort, { once: true });
  });
}
