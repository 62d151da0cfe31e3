import { createBotByeClient } from '../../../src/providers/botbye/client.js';
import { createGcoreClient } from '../../../src/providers/gcore/client.js';
import { createTransactCdnClient } from '../../../src/providers/transactcdn/client.js';
import type { Checkpoint, EventStream, OnInvalidRecord } from '../../../src/core/pager.js';
import { ACCOUNT, PROJECT, type MovingServer, type Style } from './server.js';

/** One read's window and page size, the same for every style. */
export interface ReadSpec {
  startMs: number;
  endMs: number;
  pageSize: number;
  concurrency?: number;
  resume?: unknown;
  onInvalidRecord?: OnInvalidRecord;
}

export interface Reader {
  stream(spec: ReadSpec): EventStream<{ id: string; time: Date }>;
  close(): Promise<void>;
}

/** A client of the given style pointed at a moving server, with tiny retry and stall delays. */
export function reader(style: Style, server: MovingServer): Reader {
  const common = { baseUrl: server.url, retryDelay: { baseMs: 1, maxMs: 5 }, maxRetries: 1 };
  if (style === 'offset') {
    const client = createGcoreClient({ apiKey: 'k', ...common });
    return {
      stream: (spec) =>
        client.requests(
          { start: new Date(spec.startMs), end: new Date(spec.endMs), limit: spec.pageSize },
          { resume: spec.resume as Checkpoint, onInvalidRecord: spec.onInvalidRecord },
        ),
      close: () => client.close(),
    };
  }
  if (style === 'page') {
    const client = createTransactCdnClient({ token: 't', accountNumber: '0001', ...common, concurrency: 4 });
    const sequential = createTransactCdnClient({ token: 't', accountNumber: '0001', ...common, concurrency: 1 });
    return {
      stream: (spec) =>
        (spec.concurrency === 1 ? sequential : client).wafEvents(
          { start: new Date(spec.startMs), end: new Date(spec.endMs), pageSize: spec.pageSize },
          { resume: spec.resume as Checkpoint, onInvalidRecord: spec.onInvalidRecord },
        ),
      close: async () => {
        await client.close();
        await sequential.close();
      },
    };
  }
  const client = createBotByeClient({ apiKey: 'k', accountId: ACCOUNT, ...common });
  return {
    stream: (spec) => client.requests({ projectId: PROJECT, limit: spec.pageSize }, { resume: spec.resume as Checkpoint, onInvalidRecord: spec.onInvalidRecord }),
    close: () => client.close(),
  };
}

/** Reads to the end or the first error; ids in delivery order. */
export async function drain(stream: EventStream<{ id: string }>): Promise<{ ids: string[]; error: unknown }> {
  const ids: string[] = [];
  try {
    for await (const event of stream) ids.push(event.id);
    return { ids, error: undefined };
  } catch (error) {
    return { ids, error };
  }
}
