// The fifth provider's client binding: what the CLI and the workers need to offer it, declared next to it. Only
// the registry-extension tests use it (they register `acmeWithBinding` through a mocked registry).
import { defineClient, type GatheredOptions } from '../../../src/core/definition.js';
import { acmeDefinition, createAcmeClient } from './definition.js';

type AcmeClient = ReturnType<typeof createAcmeClient>;

export const acmeBinding = defineClient({
  create: (options: GatheredOptions) => createAcmeClient(options as Parameters<typeof createAcmeClient>[0]),
  fields: [
    { flag: 'acme-key', env: 'ACME_KEY', option: 'key', secret: true, required: true },
    { flag: 'acme-base-url', env: 'ACME_BASE_URL', option: 'baseUrl' },
  ],
  sources: [
    {
      id: 'acme.hits',
      aliases: ['acme'],
      windowed: false,
      list: (client: AcmeClient, query, options) => client.hits(query as Parameters<AcmeClient['hits']>[0], options),
      follow: () => {
        throw new TypeError('acme.hits has no follow');
      },
      listQuery: (pairs) => (pairs.has('pageSize') ? { pageSize: Number(pairs.get('pageSize')!.at(-1)) } : {}),
      followQuery: () => ({}),
    },
  ],
});

/** The fifth provider with its binding, as a registry entry. */
export const acmeWithBinding = { ...acmeDefinition, client: acmeBinding };
