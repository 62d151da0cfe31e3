import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveHandlers, type LoopbackServer } from '../../support/loopback.js';
import { botByeFake } from '../../support/botbye-fake.js';
import { ACCOUNT, DATA, KEY, PROJECT } from './setup.js';

// Checks of the fake itself, for the answers the client never provokes (it validates first).
describe('BotBye fake', () => {
  let server: LoopbackServer;
  beforeAll(async () => {
    server = await serveHandlers(botByeFake({ apiKey: KEY, accountId: ACCOUNT, projectId: PROJECT, records: DATA }).handlers);
  });
  afterAll(() => server.close());

  const get = (params: Record<string, string>, auth = `Bearer ${KEY}`) =>
    fetch(`${server.url}/api/v1/${ACCOUNT}/projects/${PROJECT}/requests?${new URLSearchParams(params)}`, { headers: { authorization: auth } });

  it('serves a page by default (20 records, newest first)', async () => {
    const body = (await (await get({})).json()) as { edges: unknown[]; pageInfo: { total: number; hasNextPage: boolean } };
    expect(body.edges).toHaveLength(20);
    expect(body.pageInfo).toMatchObject({ total: DATA.length, hasNextPage: true });
  });

  it.each([
    ['limit over 100', { limit: '101' }],
    ['cursor.first over 100', { cursor: '{"first":101}' }],
    ['where that is not JSON', { where: '{"predicate":"eq"' }],
    ['an unknown predicate', { where: '{"predicate":"between","fieldPath":"createdAt","value":1}' }],
    ['a branch without operands', { where: '{"predicate":"and","opearands":[]}' }],
    ['in without a list', { where: '{"predicate":"in","fieldPath":"country","value":"USA"}' }],
    ['a cursor it never issued', { cursor: '{"first":10,"after":"bm9wZQ"}' }],
  ])('answers 400 to %s', async (_name, params) => {
    expect((await get(params)).status).toBe(400);
  });

  it('answers 401 to a wrong key', async () => {
    expect((await get({}, 'Bearer nope')).status).toBe(401);
  });
});
