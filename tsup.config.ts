import { defineConfig } from 'tsup';

// p-retry (and its one dependency) is ESM-only; Node 20.18 cannot require() ESM, so the CommonJS build
// carries its own copy of them. The ESM build imports them as ordinary dependencies.
const esmOnly = ['p-retry', 'is-network-error'];

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
  },
  {
    entry: ['src/index.ts'],
    format: ['cjs'],
    dts: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    noExternal: esmOnly,
  },
]);
