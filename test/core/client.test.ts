import { describe, expect, it } from 'vitest';
import { fillPath } from '../../src/core/client.js';

describe('fillPath', () => {
  it('fills each placeholder with its value, percent-encoded', () => {
    expect(fillPath('/api/v1/{account_id}/projects/{project_id}/requests', { account_id: 'acc 1', project_id: 'p/2' })).toBe('/api/v1/acc%201/projects/p%2F2/requests');
  });

  it('refuses a template whose placeholder has no value, naming it', () => {
    expect(() => fillPath('/v2/mcc/customers/{account_number}/waf', {})).toThrow(/\{account_number\}/);
  });

  it('leaves a path without placeholders as it is', () => {
    expect(fillPath('/waap/v1/analytics/requests', { unused: 'x' })).toBe('/waap/v1/analytics/requests');
  });
});
