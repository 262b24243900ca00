import { z } from 'zod';
import type { RecurrenceMode, RecurrenceRule } from '../../core/domain/recurrence-rule';
import { ConflictError, NotFoundError } from '../../core/errors';
import { SeriesUpdated } from '../../core/events/catalog';
import { findSeries, patchSeries, SeriesPatch, SeriesView, toSeriesView } from '../../core/tasks/series';
import { defineFunction, route } from '../_runtime/define-function';
import { IfMatchHeader, parseIfMatch } from '../_shared/if-match';

const SeriesParams = z.object({ id: z.uuid('series ids are UUIDs') });

export default defineFunction({
  id: 'series',
  description: 'Reads and edits recurring series: the rule and the template of future instances.',
  routes: [
    route({
      method: 'get',
      path: '/api/series/:id',
      summary: 'Get a recurring series',
      tags: ['series'],
      params: SeriesParams,
      responses: {
        200: { description: 'The series', schema: SeriesView },
        404: { description: 'No such series' },
      },
      handler: async ({ params, deps }) => {
        const row = await findSeries(deps.database.db, params.id);
        if (!row) throw new NotFoundError(`no series ${params.id}`);
        return {
          status: 200,
          body: toSeriesView(row, deps.clock.now()),
          headers: { etag: `"${row.version}"` },
        };
      },
    }),
    route({
      method: 'patch',
      path: '/api/series/:id',
      summary: 'Edit a series (future instances)',
      description:
        'Changes the template (title, description, priority, tags, reminders) and/or the rule for instances generated from now on; existing instances keep their fields.',
      tags: ['series'],
      params: SeriesParams,
      body: SeriesPatch,
      headers: {
        'If-Match': { description: 'The series version the client last saw', schema: IfMatchHeader },
      },
      responses: {
        200: { description: 'The series after the edit', schema: SeriesView },
        409: { description: 'Stale If-Match' },
      },
      handler: async (ctx) => {
        const ifMatch = parseIfMatch(ctx.header('if-match'));
        const row = await ctx.transact(async (tx) => {
          const current = await findSeries(tx, ctx.params.id, true);
          if (!current) throw new NotFoundError(`no series ${ctx.params.id}`);
          if (ifMatch !== undefined && ifMatch !== current.version) {
            throw new ConflictError(`series is at version ${current.version}, not ${ifMatch}`, [
              { field: 'If-Match', message: `stale version ${ifMatch}` },
            ]);
          }
          const now = ctx.deps.clock.now();
          const updated = await patchSeries(tx, current, ctx.body, now);
          const event = SeriesUpdated.create(
            {
              data: {
                seriesId: updated.id,
                rule: updated.rule as RecurrenceRule,
                mode: updated.mode as RecurrenceMode,
                template: updated.template as Record<string, unknown>,
                changedFields: Object.keys(ctx.body),
                actor: 'api',
              },
              subject: updated.id,
              sequence: updated.version,
              time: now,
            },
            ctx.meta,
          );
          return { value: updated, emit: [event] };
        });
        return {
          status: 200,
          body: toSeriesView(row, ctx.deps.clock.now()),
          headers: { etag: `"${row.version}"` },
        };
      },
    }),
  ],
});
