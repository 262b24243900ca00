import { z } from 'zod';
import { dismissDeadLetter, listDeadLetters } from '../../core/dead-letters/repository';
import { NotFoundError } from '../../core/errors';
import { defineFunction, route } from '../_runtime/define-function';
import { intParam, Limit } from '../_shared/schemas';

const DeadLetterView = z.object({
  id: z.number(),
  consumer: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  status: z.number().nullable(),
  reason: z.string(),
  attempts: z.number(),
  createdAt: z.string(),
  event: z.unknown(),
});

export default defineFunction({
  id: 'dead-letters',
  description: 'Shows deliveries that failed for good, so a person can see and act on them.',
  routes: [
    route({
      method: 'get',
      path: '/api/dead-letters',
      summary: 'List dead-lettered deliveries, newest first',
      tags: ['operations'],
      query: z.object({ limit: Limit, before: intParam({ min: 1 }).optional() }),
      responses: {
        200: { description: 'Dead letters', schema: z.object({ deadLetters: z.array(DeadLetterView) }) },
      },
      handler: async ({ query, deps }) => {
        return { status: 200, body: { deadLetters: await listDeadLetters(deps.database.db, query) } };
      },
    }),
    route({
      method: 'delete',
      path: '/api/dead-letters/:id',
      summary: 'Dismiss a dead letter',
      tags: ['operations'],
      params: z.object({ id: intParam({ min: 1 }) }),
      responses: { 204: { description: 'Dismissed' }, 404: { description: 'No such dead letter' } },
      handler: async ({ params, deps }) => {
        if (!(await dismissDeadLetter(deps.database.db, params.id)))
          throw new NotFoundError(`no dead letter ${params.id}`);
        return { status: 204 };
      },
    }),
  ],
});
