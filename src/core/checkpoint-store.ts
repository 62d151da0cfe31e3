import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { FilterValidationError } from './errors.js';
import { parseFollowCheckpoint, type FollowCheckpoint } from './follow-checkpoint.js';

/** Where a follow stream keeps its position across restarts. `load` returns undefined when nothing was saved yet. */
export interface CheckpointStore {
  load(): Promise<FollowCheckpoint | undefined>;
  save(checkpoint: FollowCheckpoint): Promise<void>;
}

/** A store in memory: survives a restart of the stream, not of the process. Handy in tests. */
export function memoryCheckpointStore(initial?: FollowCheckpoint): CheckpointStore {
  let saved = initial === undefined ? undefined : JSON.stringify(initial);
  return {
    async load() {
      return saved === undefined ? undefined : parseFollowCheckpoint(saved, 'memory checkpoint store', 'corrupt value?');
    },
    async save(checkpoint) {
      saved = JSON.stringify(checkpoint);
    },
  };
}

/**
 * A store in one JSON file, written atomically: a temp file beside it, fsync, rename over, fsync the directory.
 * A crash at any point leaves either the previous position or the new one, never a torn file. A file that is not
 * a valid, untouched follow checkpoint is refused with `FilterValidationError`, never silently replaced.
 *
 * @example
 * const store = fileCheckpointStore('./state/gcore.json');
 */
export function fileCheckpointStore(path: string): CheckpointStore {
  if (typeof path !== 'string' || path.length === 0) {
    throw new FilterValidationError('fileCheckpointStore path', [{ path: 'path', message: 'must be a non-empty file path' }]);
  }
  const what = `checkpoint file ${path}`;
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      return parseFollowCheckpoint(text, what, 'corrupt file?');
    },
    async save(checkpoint) {
      const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
      const file = await open(temp, 'wx');
      try {
        await file.writeFile(JSON.stringify(checkpoint));
        await file.sync();
      } catch (error) {
        await file.close();
        await unlink(temp).catch(() => undefined);
        throw error;
      }
      await file.close();
      await rename(temp, path);
      // The rename is only durable once the directory entry is on disk.
      const dir = await open(dirname(path), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    },
  };
}
