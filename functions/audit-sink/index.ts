import { z } from 'zod';
import { AuditEntry, queryAudit, recordAudit } from '../../core/audit/repository';
import { CATALOG } from '../../core/events/catalog';
import { defineFunction, route } from '../_runtime/define-function';
import { IsoInstantParam, intParam, Limit, queryText } from '../_shared/schemas';

export default defineFunction({
  id: 'audit-sink',
  description: 'Writes every event to the audit trail, once, and serves the trail.',
  on: CATALOG,
  delivery: { retry: 8 },
  batch: true,
  handler: async ({ event, tx }) => {
    await recordAudit(tx, [event]);
    return {};
  },
  handleBatch: async ({ events, tx }) => {
    await recordAudit(tx, events);
    return {};
  },
  routes: [
    route({
      method: 'get',
      path: '/api/audit',
      summary: 'Read the audit trail, newest first',
      tags: ['audit'],
      query: z.object({
        entityId: queryText(200).optional(),
        type: queryText(200).optional(),
        since: IsoInstantParam.optional(),
        before: intParam({ min: 1 }).optional().describe('Entries with an id below this (paging)'),
        limit: Limit,
      }),
      responses: {
        200: {
          description: 'Audit entries',
          schema: z.object({ entries: z.array(AuditEntry), nextBefore: z.number().nullable() }),
        },
      },
      handler: async ({ query, deps }) => {
        const entries = await queryAudit(deps.database.db, query);
        const last = entries.at(-1);
        return {
          status: 200,
          body: { entries, nextBefore: entries.length === query.limit && last ? last.id : null },
        };
      },
    }),
  ],
});
