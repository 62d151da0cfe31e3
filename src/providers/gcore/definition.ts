import { defineProvider, defineSource } from '../../core/definition.js';
import { gcoreClientOptionsSchema } from './client.js';
import { gcoreRequestsQuerySchema } from './filters.js';
import { normalizeGcore } from './normalize.js';
import { gcoreRecordSchema, type GcoreRecord } from './response.js';

/** Gcore WAAP: one source, the request log, paged by offset and limit. */
export const gcoreDefinition = defineProvider({
  name: 'gcore',
  options: gcoreClientOptionsSchema,
  auth: 'Authorization: APIKey <apiKey>',
  sources: [
    defineSource({
      id: 'gcore.waap',
      path: '/waap/v1/analytics/requests',
      paging: 'offset',
      filters: gcoreRequestsQuerySchema,
      record: gcoreRecordSchema,
      idOf: (record: GcoreRecord) => record.id,
      timeOf: (record: GcoreRecord) => record.request_time,
      normalize: normalizeGcore,
    }),
  ],
});
