import { defineProvider, defineSource } from '../../core/definition.js';
import { botByeClientOptionsSchema, botByeRequestsQuerySchema } from './client.js';
import { normalizeBotByeRequest } from './normalize.js';
import { botByeRequestSchema, parseBotByeTime, type BotByeRequest } from './response.js';

/** BotBye: one source, a project's requests, paged by opaque cursors. */
export const botByeDefinition = defineProvider({
  name: 'botbye',
  options: botByeClientOptionsSchema,
  auth: 'Authorization: Bearer <apiKey>, or X-Api-Key: base64(<apiKey>)',
  sources: [
    defineSource({
      id: 'botbye.requests',
      path: '/api/v1/{account_id}/projects/{project_id}/requests',
      paging: 'cursor',
      filters: botByeRequestsQuerySchema,
      record: botByeRequestSchema,
      idOf: (record: BotByeRequest) => record.id,
      timeOf: (record: BotByeRequest) => parseBotByeTime(record.createdAt).getTime(),
      normalize: normalizeBotByeRequest,
    }),
  ],
});
