import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

describe('npm pack from a fresh checkout (no dist/)', () => {
  it('builds before packing (prepack), and the tarball installs and imports both ways', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wafstream-pack-'));
    try {
      // A checkout as git has it: sources and config, no dist/. node_modules is linked, as `npm ci` would make it.
      const checkout = join(dir, 'checkout');
      const from = fileURLToPath(root);
      for (const entry of ['src', 'package.json', 'tsconfig.json', 'tsup.config.ts', 'README.md', 'LICENSE']) {
        cpSync(join(from, entry), join(checkout, entry), { recursive: true });
      }
      symlinkSync(join(from, 'node_modules'), join(checkout, 'node_modules'), 'dir');
      const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      // The prepack build prints to stdout before npm's JSON report.
      const out = npm(['pack', '--json', '--pack-destination', dir], checkout);
      const packed = JSON.parse(out.slice(out.search(/^\[$/m))) as Array<{ filename: string; files: Array<{ path: string }> }>;
      const files = packed[0]!.files.map((f) => f.path);
      expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'README.md', 'package.json']));
      expect(files.some((f) => f.startsWith('src/') || f.startsWith('test/'))).toBe(false);

      const app = join(dir, 'app');
      mkdirSync(app);
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
      npm(['install', join(dir, packed[0]!.filename), '--prefer-offline', '--no-audit', '--no-fund'], app);
      const run = (args: string[]) => execFileSync(process.execPath, args, { cwd: app, encoding: 'utf8' }).trim();
      expect(run(['--no-experimental-require-module', '-e', "const w = require('wafstream'); console.log(typeof w.createGcoreClient, typeof w.createTransactCdnClient, typeof w.isClientOptionsError)"])).toBe(
        'function function function',
      );
      expect(run(['--input-type=module', '-e', "const w = await import('wafstream'); console.log(typeof w.createBotByeClient, typeof w.EventStream)"])).toBe('function function');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
