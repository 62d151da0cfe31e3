/** A place progress goes: stderr, or a fake TTY in tests. */
export interface ProgressTarget {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressCounts {
  events: number;
  retries: number;
  pages?: number | undefined;
  /** HTTP requests, retries included (where pages are not exposed). */
  requests?: number | undefined;
  /** 0..1 when known. */
  fraction?: number | undefined;
}

const n = (v: number) => v.toLocaleString('en-US');

/** One status line: events, events/s, pages and retries, and a percentage with an ETA when the total is known. */
export function renderLine(c: ProgressCounts, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? Math.round((c.events * 1000) / elapsedMs) : 0;
  const parts = [`${n(c.events)} events`, `${n(rate)}/s`];
  if (c.pages !== undefined) parts.push(`${n(c.pages)} pages`);
  if (c.requests !== undefined) parts.push(`${n(c.requests)} requests`);
  parts.push(`${n(c.retries)} retries`);
  if (c.fraction !== undefined && c.fraction > 0) {
    const f = Math.min(1, c.fraction);
    const eta = f >= 1 ? 0 : (elapsedMs * (1 - f)) / f;
    parts.push(`${(f * 100).toFixed(1)}%`, `ETA ${formatMs(eta)}`);
  }
  return parts.join(' · ');
}

/** `1h02m`, `3m05s`, `12s`. */
export function formatMs(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/**
 * Progress on a TTY: the status line redrawn in place at most every `everyMs`. Elsewhere it stays silent until
 * `done()`, which prints one summary line, so a log file gets one line and a pipe's stdout only data.
 */
export class Progress {
  readonly counts: ProgressCounts = { events: 0, retries: 0 };
  readonly #target: ProgressTarget;
  readonly #started: number;
  readonly #now: () => number;
  readonly #everyMs: number;
  #drawnAt = -Infinity;
  #drawn = false;

  constructor(target: ProgressTarget, options: { now?: () => number; everyMs?: number } = {}) {
    this.#target = target;
    this.#now = options.now ?? Date.now;
    this.#everyMs = options.everyMs ?? 200;
    this.#started = this.#now();
  }

  /** Call after a change of the counts; redraws when due. */
  update(): void {
    if (!this.#target.isTTY) return;
    const now = this.#now();
    if (now - this.#drawnAt < this.#everyMs) return;
    this.#drawnAt = now;
    this.#draw(renderLine(this.counts, now - this.#started));
  }

  /** Clears the live line and writes the summary, `label` first. */
  done(label: string): void {
    const line = `${label}: ${renderLine({ ...this.counts, fraction: undefined }, this.#now() - this.#started)} in ${formatMs(this.#now() - this.#started)}`;
    if (this.#target.isTTY && this.#drawn) this.#target.write('\r\x1b[2K');
    this.#target.write(`${line}\n`);
  }

  #draw(line: string): void {
    // A terminal without a size (a bare pty) reports 0 columns.
    const width = this.#target.columns || 80;
    // \r and "erase line" (ESC [2K) are the whole of the terminal control used: no cursor movement, no colours.
    this.#target.write(`\r\x1b[2K${line.slice(0, Math.max(10, width - 1))}`);
    this.#drawn = true;
  }
}

/**
 * The clients' logger for a command: retry warnings are counted for the progress line; other warnings (a Gcore
 * start older than 30 days, an overlap narrowed) are shown on stderr.
 */
export function progressLogger(progress: Progress, stderr: ProgressTarget): { warn(message: string): void } {
  return {
    warn(message) {
      if (/\bretry|retrying\b/.test(message)) progress.counts.retries++;
      else stderr.write(`warning: ${message}\n`);
      progress.update();
    },
  };
}
