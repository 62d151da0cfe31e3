import { botByeFake, generateBotByeRecords, type BotByeFake, type BotByeFakeOptions } from '../../support/botbye-fake.js';
import { startTarget, type FakeTarget, type TargetKind } from '../../support/transports.js';
import { createBotByeClient, type BotByeClient, type BotByeClientOptions } from '../../../src/providers/botbye/client.js';

export const KEY = 'bb_live_Zq8vK2mW9xR4tY7p';
export const KEY_B64 = Buffer.from(KEY).toString('base64');
export const ACCOUNT = 'acc_1';
export const PROJECT = 'proj-1';
/** Newest record at 2026-11-20T12:00:00Z, 537 records over a few hours, with shared timestamps. */
export const DATA = generateBotByeRecords(537);

export interface Harness {
  fake: BotByeFake;
  target: FakeTarget;
  client: BotByeClient;
  /** The query parameters of each request the fake received, in order. */
  params: () => Array<Record<string, string>>;
  close(): Promise<void>;
}

/** A client talking to the BotBye fake the chosen way. msw gets an https origin, loopback a plain-http 127.0.0.1 one. */
export async function harness(
  kind: TargetKind,
  fakeOptions: Partial<BotByeFakeOptions> = {},
  clientOptions: Partial<BotByeClientOptions> = {},
): Promise<Harness> {
  const fake = botByeFake({ apiKey: KEY, accountId: ACCOUNT, projectId: PROJECT, records: DATA, ...fakeOptions });
  const target = await startTarget(kind, fake.handlers);
  const client = createBotByeClient({
    apiKey: KEY,
    accountId: ACCOUNT,
    baseUrl: kind === 'msw' ? 'https://botbye.test' : target.baseUrl,
    dispatcher: target.dispatcher,
    retryDelay: { baseMs: 1, maxMs: 5 },
    ...clientOptions,
  });
  return {
    fake,
    target,
    client,
    params: () => fake.requests.map((r) => Object.fromEntries(new URL(r.url).searchParams)),
    async close() {
      await client.close();
      await target.close();
    },
  };
}

/** The `after` of each request's cursor parameter (null on a first page). */
export function afters(h: Harness): Array<string | null> {
  return h.params().map((p) => (JSON.parse(p.cursor!) as { after?: string }).after ?? null);
}
