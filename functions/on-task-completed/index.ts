import type { RecurrenceMode, RecurrenceRule } from '../../core/domain/recurrence-rule';
import { toView } from '../../core/domain/task';
import { RecurringGenerated, TaskCompleted, TaskCreated } from '../../core/events/catalog';
import type { EventMeta, TaskwireEvent } from '../../core/events/define-event';
import type { Logger } from '../../core/observability/logger';
import { findTask } from '../../core/tasks/repository';
import {
  clearDeferral,
  dueDeferredSeries,
  findSeries,
  type GeneratedInstance,
  generateInstances,
  planFor,
  type SeriesRow,
} from '../../core/tasks/series';
import { defineFunction } from '../_runtime/define-function';

const ACTOR = 'system:on-task-completed';

function announce(
  series: SeriesRow,
  sourceTaskId: string,
  created: GeneratedInstance[],
  now: Date,
  meta: EventMeta,
): TaskwireEvent[] {
  const rule = series.rule as RecurrenceRule;
  return created.flatMap(({ task, catchUp }) => {
    const view = toView(task, { rule, mode: series.mode });
    return [
      TaskCreated.create(
        { data: { task: view, actor: ACTOR }, subject: task.id, sequence: task.version, time: now },
        meta,
      ),
      RecurringGenerated.create(
        {
          data: {
            seriesId: series.id,
            sourceTaskId,
            taskId: task.id,
            occurrenceAt: task.occurrenceAt!.toISOString(),
            occurrenceIndex: task.occurrenceIndex ?? 0,
            catchUp,
            rule,
            mode: series.mode as RecurrenceMode,
            generatedAt: now.toISOString(),
            actor: ACTOR,
          },
          subject: task.id,
          sequence: task.version,
          time: now,
        },
        meta,
      ),
    ];
  });
}

function logPlan(log: Logger, seriesId: string, notes: string[], created: GeneratedInstance[]): void {
  for (const note of notes) log.info({ seriesId }, note);
  const catchUps = created.filter((c) => c.catchUp).length;
  if (catchUps > 0)
    log.info(
      { seriesId, catchUps, generated: created.length },
      'completed late: missed occurrences generated',
    );
}

export default defineFunction({
  id: 'on-task-completed',
  description:
    'When an instance of a recurring task is completed, creates the next one (and any missed ones).',
  on: [TaskCompleted],
  handler: async ({ event, tx, deps, meta, log }) => {
    const completed = TaskCompleted.narrow(event).data.task;
    if (!completed.seriesId) return {};
    const series = await findSeries(tx, completed.seriesId, true);
    if (!series || series.endedAt) return {};
    const task = await findTask(tx, completed.id, { includeDeleted: true });
    if (task?.status !== 'completed') return {};
    const now = deps.clock.now();
    const plan = planFor(series, task, now);
    const created = await generateInstances(tx, series, plan, now, deps.newId);
    logPlan(log, series.id, plan.notes, created);
    return { emit: announce(series, task.id, created, now, meta) };
  },
  tick: {
    // Occurrences more than a year ahead are deferred when planned; this creates them in time.
    cron: '23 3 * * *',
    everyMs: 6 * 3_600_000,
    async run(ctx) {
      const now = ctx.deps.clock.now();
      let generated = 0;
      for (const candidate of await dueDeferredSeries(ctx.deps.database.db, now)) {
        generated += await ctx.transact(async (tx) => {
          const series = await findSeries(tx, candidate.id, true);
          if (!series?.deferredAt || series.deferredIndex === null) return { value: 0 };
          const plan = {
            instances: [{ at: series.deferredAt, index: series.deferredIndex, catchUp: false }],
            deferred: null,
            ended: false,
            notes: [],
          };
          const created = await generateInstances(tx, series, plan, now, ctx.deps.newId);
          await clearDeferral(tx, series.id);
          return { value: created.length, emit: announce(series, series.id, created, now, ctx.meta) };
        });
      }
      return { generated };
    },
  },
});
