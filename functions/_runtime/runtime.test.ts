import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { newTask, toView } from '../../core/domain/task';
import { NonRetriableError, ValidationError } from '../../core/errors';
import { TaskCreated, TaskUpdated } from '../../core/events/catalog';
import { functionKit } from '../../test/support/function-kit';
import { startTestHost, type TestHost } from '../../test/support/harness';
import auditSink from '../audit-sink';
import { FUNCTIONS } from '../index';
import { defineFunction, route } from './define-function';

let host: TestHost | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
});

describe('defineFunction', () => {
  it('insists on kebab-case ids and on something to do', () => {
    expect(() =>
      defineFunction({
        id: 'CreateTask',
        description: 'x',
        tick: { cron: '* * * * *', everyMs: 1, run: async () => 0 },
      }),
    ).toThrow(/kebab/);
    expect(() => defineFunction({ id: 'idle', description: 'x' })).toThrow(/declares no/);
    expect(() => defineFunction({ id: 'no-handler', description: 'x', on: [TaskCreated] })).toThrow(
      /no handler/,
    );
  });

  it('every function id is unique and every route is declared once', () => {
    const ids = FUNCTIONS.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    const routes = FUNCTIONS.flatMap((f) => f.routes.map((r) => `${r.method} ${r.path}`));
    expect(new Set(routes).size).toBe(routes.length);
  });
});

describe('a function as its own Hono app', () => {
  it('serves its own health, readiness and metrics', async () => {
    const kit = await functionKit(auditSink);
    try {
      expect((await kit.app.request('/ready')).status).toBe(200);
      expect((await kit.app.request('/metrics')).status).toBe(200);
      expect((await kit.app.request('/health')).status).toBe(200);
    } finally {
      await kit.close();
    }
  });
});

describe('the embedded bus follows the error classes', () => {
  function flaky(behaviour: () => void, opts: { ordered?: boolean } = {}) {
    const seen: { id: string; sequence: number }[] = [];
    const fn = defineFunction({
      id: 'flaky-consumer',
      description: 'test consumer',
      on: [TaskCreated, TaskUpdated],
      ordered: opts.ordered,
      delivery: { retry: 3, backoffDelayMs: 10 },
      handler: async ({ event }) => {
        seen.push({ id: event.id, sequence: event.sequence });
        behaviour();
        return {};
      },
    });
    const maker = defineFunction({
      id: 'maker',
      description: 'emits test events',
      routes: [
        route({
          method: 'post',
          path: '/emit',
          summary: 'emit',
          body: z.object({ sequence: z.number(), subject: z.string(), type: z.enum(['created', 'updated']) }),
          responses: { 202: { description: 'ok' } },
          handler: async (ctx) => {
            const task = toView(
              newTask({ title: 'x' }, { id: ctx.body.subject, now: new Date(), defaultTimezone: 'UTC' }),
            );
            const ev =
              ctx.body.type === 'created'
                ? TaskCreated.create(
                    { data: { task, actor: 'api' }, subject: task.id, sequence: ctx.body.sequence },
                    ctx.meta,
                  )
                : TaskUpdated.create(
                    {
                      data: { task, actor: 'api', changes: {}, precondition: 'none' },
                      subject: task.id,
                      sequence: ctx.body.sequence,
                    },
                    ctx.meta,
                  );
            await ctx.transact(async () => ({ value: null, emit: [ev] }));
            return { status: 202 };
          },
        }),
      ],
    });
    return { fn, maker, seen };
  }

  it('retries an unexpected error with backoff and succeeds', async () => {
    let failures = 2;
    const { fn, maker, seen } = flaky(() => {
      if (failures-- > 0) throw new Error('database hiccup');
    });
    host = await startTestHost({ functions: [fn, maker] });
    await host.json('/emit', {
      method: 'POST',
      json: { sequence: 1, subject: randomUUID(), type: 'created' },
    });
    await host.settle();
    expect(seen).toHaveLength(3);
    expect((await host.json('/api/dead-letters')).status).toBe(404);
  });

  it('dead-letters after the retries run out, visibly', async () => {
    const { fn, maker, seen } = flaky(() => {
      throw new Error('always broken');
    });
    const deadLetters = FUNCTIONS.find((f) => f.id === 'dead-letters')!;
    host = await startTestHost({ functions: [fn, maker, deadLetters] });
    await host.json('/emit', {
      method: 'POST',
      json: { sequence: 1, subject: randomUUID(), type: 'created' },
    });
    await host.settle();
    expect(seen).toHaveLength(4);
    const dl = (await host.json('/api/dead-letters')).body.deadLetters;
    expect(dl).toHaveLength(1);
    expect(dl[0]).toMatchObject({ consumer: 'flaky-consumer', attempts: 4, status: 500 });
    expect(dl[0].reason).toContain('Something went wrong');
  });

  it.each([
    ['ValidationError', () => new ValidationError('bad')],
    ['NonRetriableError', () => new NonRetriableError('cannot ever work')],
  ])('does not retry a %s', async (_name, make) => {
    const { fn, maker, seen } = flaky(() => {
      throw make();
    });
    const deadLetters = FUNCTIONS.find((f) => f.id === 'dead-letters')!;
    host = await startTestHost({ functions: [fn, maker, deadLetters] });
    await host.json('/emit', {
      method: 'POST',
      json: { sequence: 1, subject: randomUUID(), type: 'created' },
    });
    await host.settle();
    expect(seen).toHaveLength(1);
    expect((await host.json('/api/dead-letters')).body.deadLetters[0].attempts).toBe(1);
  });

  it('an ordered consumer drops an event whose sequence is not newer', async () => {
    const { fn, maker, seen } = flaky(() => {}, { ordered: true });
    host = await startTestHost({ functions: [fn, maker] });
    const subject = randomUUID();
    for (const [sequence, type] of [
      [1, 'created'],
      [3, 'updated'],
      [2, 'updated'],
    ] as const) {
      await host.json('/emit', { method: 'POST', json: { sequence, subject, type } });
      await host.settle();
    }
    expect(seen.map((s) => s.sequence)).toEqual([1, 3]);
    const metrics = await (await host.request('/metrics')).text();
    expect(metrics).toMatch(
      /taskwire_events_stale_total\{type="dev.taskwire.task.updated.v1",consumer="flaky-consumer"\} 1/,
    );
  });
});
