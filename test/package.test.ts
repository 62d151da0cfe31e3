import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../src/core/version.js';

// Runs after `npm run build` (npm test builds first): the shipped files, not the sources.
const root = new URL('..', import.meta.url);
const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();

describe('the built package', () => {
  it('keeps VERSION equal to package.json (it is sent as the User-Agent)', () => {
    expect(VERSION).toBe(JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).version);
  });

  it('loads with require() even where Node cannot require ESM (Node 20.18: p-retry is ESM-only)', () => {
    const out = node(['--no-experimental-require-module', '-e', "const w = require('wafstream'); console.log(typeof w.createGcoreClient, typeof w.mergeEvents, typeof w.isApiError)"]);
    expect(out).toBe('function function function');
  });

  it('loads with import()', () => {
    const out = node(['--input-type=module', '-e', "const w = await import('wafstream'); console.log(typeof w.createGcoreClient, typeof w.EventStream)"]);
    expect(out).toBe('function function');
  });

  it('carries the @elastic/ecs types of toEcs inside its declarations (users need not install a dev dependency)', () => {
    for (const file of ['dist/index.d.ts', 'dist/index.d.cts']) {
      const declarations = readFileSync(new URL(file, root), 'utf8');
      expect(declarations).not.toMatch(/from ['"]@elastic\/ecs/);
      expect(declarations).toMatch(/interface EcsEvent \{/);
    }
  });
});
