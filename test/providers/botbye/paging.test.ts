import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpResponse } from 'msw';
import { PaginationError, ResponseValidationError } from '../../../src/core/errors.js';
import type { BotByeEvent } from '../../../src/providers/botbye/client.js';
import { FAULT_HEADER } from '../../support/faults.js';
import { TARGET_KINDS } from '../../support/transports.js';
import { afters, DATA, harness, type Harness } from './setup.js';

const NEWEST = Date.parse('2026-11-20T12:00:00Z');
const ids = (events: BotByeEvent[]) => events.map((e) => e.id);

describe.each(TARGET_KINDS)('BotBye requests over %s', (kind) => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('drains many pages, every record once, newest first, following endCursor', async () => {
    h = await harness(kind);
    const events = await h.client.requests({ projectId: 'proj-1', limit: 50 }).toArray();
    expect(events).toHaveLength(DATA.length);
    expect(new Set(ids(events))).toEqual(new Set(DATA.map((r) => r.id)));
    const times = events.map((e) => e.time.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(h.params()).toHaveLength(Math.ceil(DATA.length / 50));
    expect(h.params().every((p) => p.limit === '50' && JSON.parse(p.cursor!).first === 50)).toBe(true);
    // Each page after the first asks for what follows the previous page's last edge.
    const lastEdgeIds = events.filter((_, i) => i % 50 === 49).map((e) => e.id);
    const decoded = afters(h).slice(1).map((c) => JSON.parse(Buffer.from(c!, 'base64url').toString())[1]);
    expect(afters(h)[0]).toBeNull();
    expect(decoded).toEqual(lastEdgeIds.slice(0, decoded.length));
  });

  it.each(['operands', 'opearands'] as const)('filters with the issue example, on a server reading %s', async (branchKey) => {
    h = await harness(kind, { branchKey });
    const since = new Date(NEWEST - 3_600_000);
    const events = await h.client
      .requests({
        projectId: 'proj-1',
        where: (w) => w.and(w.gte('createdAt', since), w.or(w.eq('isBanByRule', true), w.in('country', ['USA', 'DEU']))),
        orderBy: { fieldPath: 'createdAt', direction: 'DESC' },
        limit: 20,
      })
      .toArray();
    const expected = DATA.filter((r) => Date.parse(r.createdAt) >= since.getTime() && (r.isBanByRule === true || r.country === 'USA' || r.country === 'DEU'));
    expect(expected.length).toBeGreaterThan(20);
    expect(expected.length).toBeLessThan(DATA.length / 2);
    expect(ids(events).sort()).toEqual(expected.map((r) => r.id).sort());
    expect(events.every((e) => e.raw.isBanByRule === true || e.client.country === 'US' || e.client.country === 'DE')).toBe(true);
  });

  it('filters with lte/eq and orders ascending', async () => {
    h = await harness(kind);
    const until = new Date(NEWEST - 7_200_000).toISOString();
    const events = await h.client
      .requests({ projectId: 'proj-1', where: { predicate: 'and', operands: [{ predicate: 'lte', fieldPath: 'createdAt', value: until }, { predicate: 'eq', fieldPath: 'requestMethod', value: 'POST' }] }, orderBy: { fieldPath: 'createdAt', direction: 'ASC' }, limit: 7 })
      .toArray();
    const expected = DATA.filter((r) => r.createdAt <= until && r.requestMethod === 'POST');
    expect(expected.length).toBeGreaterThan(7);
    expect(ids(events).sort()).toEqual(expected.map((r) => r.id).sort());
    const times = events.map((e) => e.time.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('prefetches the next page while the consumer works on the current one', async () => {
    h = await harness(kind);
    const iterator = h.client.requests({ projectId: 'proj-1', limit: 10 })[Symbol.asyncIterator]();
    await iterator.next();
    await vi.waitFor(() => expect(h!.params()).toHaveLength(2), { timeout: 2000, interval: 5 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    // One page of lookahead, no more.
    expect(h.params()).toHaveLength(2);
    await iterator.return?.();
  });

  it('resumes from a checkpoint taken mid-page without repeating or skipping a record', async () => {
    h = await harness(kind);
    const all = ids(await h.client.requests({ projectId: 'proj-1', limit: 20 }).toArray());
    const first = h.client.requests({ projectId: 'proj-1', limit: 20 });
    const seen: string[] = [];
    for await (const event of first) {
      seen.push(event.id);
      if (seen.length === 33) break;
    }
    const checkpoint = JSON.parse(JSON.stringify(first.checkpoint()));
    expect(checkpoint.position.skip).toBe(13);
    const before = h.params().length;
    const rest = ids(await h.client.requests({ projectId: 'proj-1', limit: 20 }, { resume: checkpoint }).toArray());
    expect([...seen, ...rest]).toEqual(all);
    // The resumed stream refetched page 2 (the page holding record 34) by its cursor.
    expect(afters(h)[before]).toBe(checkpoint.position.after);
    expect(checkpoint.position.after).not.toBeNull();
  });

  it('starts after a known cursor', async () => {
    h = await harness(kind);
    const page = (await h.client.requests({ projectId: 'proj-1', limit: 25 }).pages()[Symbol.asyncIterator]().next()).value!;
    const cursor = (page.raw as { edges: Array<{ cursor: string }> }).edges[9]!.cursor;
    const all = ids(await h.client.requests({ projectId: 'proj-1', limit: 25 }).toArray());
    const after = ids(await h.client.requests({ projectId: 'proj-1', limit: 25, after: cursor }).toArray());
    expect(after).toEqual(all.slice(10));
  });

  it('stops with PaginationError when a cursor repeats', async () => {
    let firstEnd: string | null = null;
    h = await harness(kind, {
      tamper: (page, n) => {
        if (n === 1) firstEnd = page.pageInfo.endCursor;
        return n >= 3 ? { ...page, pageInfo: { ...page.pageInfo, endCursor: firstEnd } } : page;
      },
    });
    const seen: string[] = [];
    const drain = async () => {
      for await (const event of h!.client.requests({ projectId: 'proj-1', limit: 10 })) seen.push(event.id);
    };
    await expect(drain()).rejects.toBeInstanceOf(PaginationError);
    // The third page names a cursor already followed: its records are good and arrive, then the stream stops instead of looping.
    expect(seen).toHaveLength(30);

    expect(h.params()).toHaveLength(3);
  });

  it('recovers from a reset, a truncated body and a 500, delivering every record once', async () => {
    h = await harness(kind, {
      intercept: (_request, n) => {
        if (n === 2) return new HttpResponse(null, { headers: { [FAULT_HEADER]: 'reset' } });
        if (n === 4) return HttpResponse.json({ error: 'boom' }, { status: 500 });
        if (n === 6) return HttpResponse.json({ edges: DATA.slice(0, 50), pageInfo: {} }, { headers: { [FAULT_HEADER]: 'truncate' } });
        return undefined;
      },
    });
    const events = await h.client.requests({ projectId: 'proj-1', limit: 100 }).toArray();
    expect(events).toHaveLength(DATA.length);
    expect(new Set(ids(events)).size).toBe(DATA.length);
    expect(h.params().length).toBe(Math.ceil(DATA.length / 100) + 3);
  });

  it('delivers a record whose headers string is malformed, raw kept as received', async () => {
    h = await harness(kind, {
      tamper: (page) => ({ ...page, edges: page.edges.map((e, i) => (i === 1 ? { ...e, node: { ...e.node, headers: '{"Host": "x",', userAgent: '' } } : e)) }),
    });
    const events = await h.client.requests({ projectId: 'proj-1', limit: 5 }).toArray({ max: 3 });
    expect(events).toHaveLength(3);
    expect(events[1]!.raw.headers).toBe('{"Host": "x",');
    expect(events[1]!.client).not.toHaveProperty('userAgent');
    // A well-formed neighbour still gets its fields.
    expect(events[2]!.client.userAgent).toMatch(/^Mozilla/);
  });

  it('refuses a page that does not match the documented shape', async () => {
    h = await harness(kind, { tamper: (page, n) => (n === 2 ? ({ edges: page.edges } as never) : page) });
    await expect(h.client.requests({ projectId: 'proj-1', limit: 100 }).toArray()).rejects.toBeInstanceOf(ResponseValidationError);
  });
});
