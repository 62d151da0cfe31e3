import { defineConfig } from 'tsup';

// p-retry (and its one dependency) is ESM-only; Node 20.18 cannot require() ESM, so the CommonJS build
// carries its own copy of them. The ESM build imports them as ordinary dependencies.
const esmOnly = ['p-retry', 'is-network-error'];
// @elastic/ecs is a dev dependency that only lends its types to `toEcs`: inline them, so users need not install it.
// Its package has no `types` field, so src/formats/ecs.ts imports each field set's .d.ts by path.
const dts = { resolve: [/^@elastic\/ecs\//] };
// The simulator is its own entry (wafstream/testing, wafstream/testing/msw), so the main entry never loads it;
// msw is an optional peer and stays external. So do bullmq and ioredis (wafstream/bullmq).
const entry = { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts', 'testing/msw': 'src/testing/msw.ts', 'bullmq/index': 'src/bullmq/index.ts' };

export default defineConfig([
  {
    entry,
    format: ['esm'],
    dts,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
  },
  {
    entry,
    format: ['cjs'],
    dts,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    noExternal: esmOnly,
  },
  {
    // The `wafstream` command: its own ESM bundle (Node keeps the entry's shebang), so no library entry imports it.
    entry: { 'cli/main': 'src/cli/main.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
  },
]);
