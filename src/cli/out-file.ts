import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './args.js';

/** What the checkpoint beside `--out FILE` records after each committed batch. */
export interface OutState {
  v: 1;
  /** The command it belongs to (sources, window flags, filters, format): another command may not resume it. */
  fingerprint: string;
  /** The window as resolved by the first run, so `--since 24h` means the same instants on every rerun. */
  window: { start: string; end: string };
  /** Bytes of FILE the inputs' positions cover; anything past it was written after the last commit. */
  length: number;
  inputs: unknown[] | null;
  events: number;
  done: boolean;
}

/** The checkpoint's path for an output file. */
export const statePath = (file: string) => join(dirname(file), `.${basename(file)}.wafstream.json`);

/**
 * An output file written exactly once across crashes: data is fsynced before the checkpoint that covers it is
 * atomically replaced (temp file, fsync, rename, fsync of the directory), and a rerun truncates the file back to
 * the committed length before resuming from the positions committed with it.
 */
export class ExactlyOnceFile {
  readonly state: OutState;
  readonly #file: string;
  readonly #fd: number;

  private constructor(file: string, fd: number, state: OutState) {
    this.#file = file;
    this.#fd = fd;
    this.state = state;
  }

  /** Opens FILE for the command `fingerprint`: resumes its checkpoint, or starts both afresh with `window`. */
  static open(file: string, fingerprint: string, window: { start: Date; end: Date }): ExactlyOnceFile {
    const previous = readState(file);
    if (previous && previous.fingerprint !== fingerprint) {
      throw new UsageError(`--out: ${file} has a checkpoint of another export (${statePath(file)}); remove both to start over, or rerun the same command`);
    }
    const fd = openSync(file, existsSync(file) ? 'r+' : 'w+');
    const state: OutState = previous ?? {
      v: 1,
      fingerprint,
      window: { start: window.start.toISOString(), end: window.end.toISOString() },
      length: 0,
      inputs: null,
      events: 0,
      done: false,
    };
    // Bytes past the committed length were written after the last commit: their events come again from the positions.
    ftruncateSync(fd, state.length);
    fsyncSync(fd);
    const out = new ExactlyOnceFile(file, fd, state);
    if (!previous) out.#saveState();
    return out;
  }

  /** Appends `text`, fsyncs it, then commits `inputs` with the new length. */
  commit(text: string, inputs: unknown[], events: number, done = false): void {
    const bytes = Buffer.from(text, 'utf8');
    let at = 0;
    while (at < bytes.length) at += writeSync(this.#fd, bytes, at, bytes.length - at, this.state.length + at);
    fsyncSync(this.#fd);
    this.state.length += bytes.length;
    this.state.inputs = inputs;
    this.state.events += events;
    this.state.done = done;
    this.#saveState();
  }

  close(): void {
    closeSync(this.#fd);
  }

  #saveState(): void {
    const path = statePath(this.#file);
    const tmp = `${path}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify(this.state));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    const dir = openSync(dirname(path), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }
}

function readState(file: string): OutState | undefined {
  const path = statePath(file);
  if (!existsSync(path)) return undefined;
  try {
    const state = JSON.parse(readFileSync(path, 'utf8')) as OutState;
    if (state.v === 1 && typeof state.length === 'number' && typeof state.fingerprint === 'string') return state;
  } catch {
    // fall through: a checkpoint we cannot read must not be guessed at
  }
  throw new UsageError(`--out: ${path} is not a wafstream checkpoint; remove it and ${file} to start over`);
}
