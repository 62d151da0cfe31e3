import type { Ecs } from '@elastic/ecs';
import { describe, expectTypeOf, it } from 'vitest';
import type { SecurityEvent } from '../../src/events.js';
import { toEcs, toOcsf, type EcsDocument, type OcsfHttpActivity } from '../../src/index.js';

describe('format types', () => {
  it('an EcsDocument is an @elastic/ecs `Ecs` document, field set for field set', () => {
    expectTypeOf<EcsDocument>().toExtend<Ecs>();
    expectTypeOf<EcsDocument['event']>().toEqualTypeOf<NonNullable<Ecs['event']>>();
    expectTypeOf<NonNullable<EcsDocument['source']>>().toEqualTypeOf<NonNullable<Ecs['source']>>();
  });

  it('the mappings take any normalized event and are exported from the package root', () => {
    expectTypeOf(toEcs).toEqualTypeOf<(event: SecurityEvent) => EcsDocument>();
    expectTypeOf(toOcsf).toEqualTypeOf<(event: SecurityEvent) => OcsfHttpActivity>();
    expectTypeOf<OcsfHttpActivity['class_uid']>().toEqualTypeOf<4002>();
    expectTypeOf<OcsfHttpActivity['metadata']['version']>().toEqualTypeOf<'1.8.0'>();
  });
});
