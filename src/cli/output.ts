import type { SecurityEvent } from '../events.js';
import { toEcs } from '../formats/ecs.js';
import { toOcsf } from '../formats/ocsf.js';

export const FORMATS = ['ndjson', 'ecs', 'ocsf', 'raw'] as const;
export type Format = (typeof FORMATS)[number];

/** One event as one line of JSON (with its newline) in the chosen format. */
export function formatter(format: Format): (event: SecurityEvent) => string {
  switch (format) {
    case 'ecs':
      return (event) => `${JSON.stringify(toEcs(event))}\n`;
    case 'ocsf':
      return (event) => `${JSON.stringify(toOcsf(event))}\n`;
    case 'raw':
      return (event) => `${JSON.stringify(event.raw)}\n`;
    default:
      return (event) => `${JSON.stringify(event)}\n`;
  }
}

/** Writes to stdout, waiting on back-pressure so a slow pipe bounds memory. */
export async function writeStdout(text: string): Promise<void> {
  if (!process.stdout.write(text)) await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
}
