import { describe, expectTypeOf, it } from 'vitest';
import { FollowStream } from '../../src/core/follow.js';
import { EventStream } from '../../src/core/pager.js';

describe('stream construction is internal', () => {
  it('offers the classes for their type and instanceof, not their constructors', () => {
    // @ts-expect-error: a follow stream is built by the clients' `follow` methods only
    const follow = (spec: never, options: never) => new FollowStream(spec, options);
    // @ts-expect-error: a list stream is built by the clients' list methods only
    const list = (spec: never) => new EventStream(spec);
    expectTypeOf(follow).toBeFunction();
    expectTypeOf(list).toBeFunction();
    expectTypeOf<FollowStream<{ id: string; time: Date }>>().toHaveProperty('checkpoint');
  });
});
