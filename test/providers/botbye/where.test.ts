import { describe, expect, it } from 'vitest';
import { FilterValidationError } from '../../../src/core/errors.js';
import { parseInput } from '../../../src/core/validate.js';
import { toWireWhere, whereBuilder as w, whereSchema, type WhereNode } from '../../../src/providers/botbye/where.js';

const wire = (node: WhereNode) => toWireWhere(parseInput(whereSchema, node, 'where'));

function issuesOf(node: unknown) {
  try {
    parseInput(whereSchema, node, 'where');
  } catch (error) {
    expect(error).toBeInstanceOf(FilterValidationError);
    return (error as FilterValidationError).issues;
  }
  throw new Error('the tree was accepted');
}

describe('where builder', () => {
  it('builds the issue example, with both spellings of the branch list and ISO dates', () => {
    const since = new Date('2026-11-19T12:00:00.000Z');
    const tree = w.and(w.gte('createdAt', since), w.or(w.eq('isBanByRule', true), w.in('country', ['USA', 'DEU'])));
    const inner = [
      { predicate: 'eq', fieldPath: 'isBanByRule', value: true },
      { predicate: 'in', fieldPath: 'country', value: ['USA', 'DEU'] },
    ];
    const outer = [
      { predicate: 'gte', fieldPath: 'createdAt', value: '2026-11-19T12:00:00.000Z' },
      { predicate: 'or', opearands: inner, operands: inner },
    ];
    expect(wire(tree)).toEqual({ predicate: 'and', opearands: outer, operands: outer });
  });

  it('writes every leaf predicate', () => {
    const leaves = [
      w.eq('host', 'a'), w.not_eq('serverPort', 80), w.like('userAgent', '%curl%'), w.starts_with('requestUri', '/api'),
      w.gt('serverPort', 1), w.lt('createdAt', '2026-11-20'), w.gte('asn', 'AS1'), w.lte('createdAt', '2026-11-20T01:00:00+01:00'),
      w.in('requestMethod', ['GET', 'POST']), w.is_null('remoteUser'), w.is_not_null('customFields'),
    ];
    expect((wire(w.or(...(leaves as [WhereNode, ...WhereNode[]]))) as { operands: unknown[] }).operands).toEqual([
      { predicate: 'eq', fieldPath: 'host', value: 'a' },
      { predicate: 'not_eq', fieldPath: 'serverPort', value: 80 },
      { predicate: 'like', fieldPath: 'userAgent', value: '%curl%' },
      { predicate: 'starts_with', fieldPath: 'requestUri', value: '/api' },
      { predicate: 'gt', fieldPath: 'serverPort', value: 1 },
      // Date strings of date fields go out in one form: UTC ISO 8601 with milliseconds.
      { predicate: 'lt', fieldPath: 'createdAt', value: '2026-11-20T00:00:00.000Z' },
      { predicate: 'gte', fieldPath: 'asn', value: 'AS1' },
      { predicate: 'lte', fieldPath: 'createdAt', value: '2026-11-20T00:00:00.000Z' },
      { predicate: 'in', fieldPath: 'requestMethod', value: ['GET', 'POST'] },
      { predicate: 'is_null', fieldPath: 'remoteUser' },
      { predicate: 'is_not_null', fieldPath: 'customFields' },
    ]);
  });

  it('accepts a plain tree in either spelling and sends both', () => {
    const leaf = { predicate: 'eq', fieldPath: 'country', value: 'USA' } as const;
    expect(wire({ predicate: 'and', opearands: [leaf] })).toEqual({ predicate: 'and', opearands: [leaf], operands: [leaf] });
    expect(wire({ predicate: 'or', operands: [leaf] })).toEqual({ predicate: 'or', opearands: [leaf], operands: [leaf] });
  });
});

describe('where validation', () => {
  it('names the path of each bad node', () => {
    const issues = issuesOf({
      predicate: 'and',
      operands: [
        { predicate: 'eq', fieldPath: 'country', value: 'DE' },
        { predicate: 'or', opearands: [{ predicate: 'in', fieldPath: 'serverPort', value: [443, '80'] }, { predicate: 'like', fieldPath: 'isBanByRule', value: 'x' }] },
        { predicate: 'between', fieldPath: 'createdAt' },
      ],
    });
    expect(issues.map((i) => i.path)).toEqual(['operands[0].value', 'operands[1].opearands[0].value[1]', 'operands[1].opearands[1].fieldPath', 'operands[2].predicate']);
    expect(issues[0]!.message).toMatch(/alpha-3/);
  });

  it.each([
    ['unknown field', { predicate: 'eq', fieldPath: 'colour', value: 'red' }, 'fieldPath'],
    ['wrong value type', { predicate: 'eq', fieldPath: 'isBanByRule', value: 'true' }, 'value'],
    ['not an instant', { predicate: 'gte', fieldPath: 'createdAt', value: 'yesterday' }, 'value'],
    ['epoch number for a date', { predicate: 'gte', fieldPath: 'createdAt', value: 1_700_000_000_000 }, 'value'],
    ['empty in', { predicate: 'in', fieldPath: 'host', value: [] }, 'value'],
    ['in without a list', { predicate: 'in', fieldPath: 'host', value: 'a' }, 'value'],
    ['value on is_null', { predicate: 'is_null', fieldPath: 'host', value: 'a' }, 'value'],
    ['ordering a boolean', { predicate: 'gt', fieldPath: 'isProtected', value: true }, 'fieldPath'],
    ['comparing a list', { predicate: 'eq', fieldPath: 'customFields', value: 'x' }, 'fieldPath'],
    ['empty branch', { predicate: 'or', operands: [] }, 'operands'],
    ['branch without a list', { predicate: 'or' }, 'operands'],
    ['branch with both spellings', { predicate: 'or', operands: [w.is_null('host')], opearands: [w.is_null('host')] }, 'operands'],
    ['not an object', 'country = USA', ''],
  ])('refuses %s', (_name, node, path) => {
    expect(issuesOf(node).map((i) => i.path)).toContain(path);
  });
});
