import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reached, root } from '../support/dist.js';

const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();

describe('wafstream/testing as shipped', () => {
  it('is not loaded by the main entry, in either format', () => {
    // The walk itself must see through tsup's shared chunks, or the check below proves nothing.
    expect([...reached('testing/index.js')].some((f) => readFileSync(new URL(`dist/${f}`, root), 'utf8').includes('function startSimulator'))).toBe(true);
    for (const entry of ['index.js', 'index.cjs']) {
      const files = [...reached(entry)];
      expect(files.some((f) => f.startsWith('testing/'))).toBe(false);
      for (const f of files) expect(readFileSync(new URL(`dist/${f}`, root), 'utf8')).not.toMatch(/startSimulator|x-fake-fault|from "msw"|require\("msw"\)/);
    }
  });

  it('loads without msw (only the /msw entry needs it) and serves over loopback', () => {
    const script = `
      const { startSimulator } = require('wafstream/testing');
      startSimulator({ records: 3 }).then(async (sim) => {
        const r = await fetch(sim.url + '/waap/v1/analytics/requests?start=2000-01-01T00:00:00Z', { headers: { authorization: 'APIKey ' + sim.credentials.gcore.apiKey } });
        const loadedMsw = Object.keys(require.cache).some((f) => f.includes('/node_modules/msw/'));
        console.log(r.status, (await r.json()).count, loadedMsw);
        await sim.close();
      });`;
    expect(node(['-e', script])).toBe('200 3 false');
    const esm = node(['--input-type=module', '-e', "const t = await import('wafstream/testing'); const m = await import('wafstream/testing/msw'); console.log(typeof t.startSimulator, typeof m.simulatorHandlers)"]);
    expect(esm).toBe('function function');
  });
});
