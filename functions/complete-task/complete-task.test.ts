import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../core/errors';
import { TaskCompleted, TaskCreated, TaskReopened } from '../../core/events/catalog';
import { trashTaskById } from '../../core/tasks/commands';
import { findTask } from '../../core/tasks/repository';
import { type FunctionKit, functionKit } from '../../test/support/function-kit';
import { DATABASE_KINDS } from '../../test/support/harness';
import completeTask from '.';

describe.each(DATABASE_KINDS)('complete-task on %s', (kind) => {
  let kit: FunctionKit;
  beforeAll(async () => {
    kit = await functionKit(completeTask, { database: kind });
  });
  afterAll(async () => kit.close());

  const complete = (id: string) => kit.call('post', '/api/tasks/:id/complete', { params: { id } });
  const reopen = (id: string) => kit.call('post', '/api/tasks/:id/reopen', { params: { id } });

  describe('the handlers', () => {
    it('completes idempotently, keeping the first completion time, and reopens', async () => {
      const t = await kit.createTask({ title: 'Pay bills' });
      const first = await complete(t.id);
      expect(first).toMatchObject({ status: 200, body: { status: 'completed', version: 2 } });
      kit.clock.advance(5);
      const again = await complete(t.id);
      expect(again.body).toMatchObject({
        completedAt: (first.body as { completedAt: string }).completedAt,
        version: 2,
      });
      const reopened = await reopen(t.id);
      expect(reopened.body).toMatchObject({ status: 'active', completedAt: null, version: 3 });
      const events = [...(await kit.seeded()), ...(await kit.emitted())].filter((e) => e.subject === t.id);
      expect(events.map((e) => [e.type, e.sequence])).toEqual([
        [TaskCreated.type, 1],
        [TaskCompleted.type, 2],
        [TaskReopened.type, 3],
      ]);
      expect(events[1]!.data).toMatchObject({ task: first.body, actor: 'api' });
    });

    it('reopening an active task changes nothing', async () => {
      const t = await kit.createTask({ title: 'Still open' });
      expect((await reopen(t.id)).body).toEqual(t);
      expect((await kit.emitted()).filter((e) => e.subject === t.id)).toEqual([]);
    });

    it('an unknown task, or one in the trash, is not found', async () => {
      await expect(complete('00000000-0000-0000-0000-000000000000')).rejects.toThrow(NotFoundError);
      const t = await kit.createTask({ title: 'Binned' });
      await trashTaskById(kit.seed, t.id);
      await expect(complete(t.id)).rejects.toThrow(/trash/);
      expect(await findTask(kit.db, t.id, { includeDeleted: true })).toMatchObject({ status: 'active' });
      expect((await kit.emitted()).filter((e) => e.subject === t.id)).toEqual([]);
    });
  });

  describe('its app over HTTP', () => {
    it('POST /complete and /reopen answer the task', async () => {
      const t = await kit.createTask({ title: 'Over HTTP' });
      const done = await kit.json(`/api/tasks/${t.id}/complete`, { method: 'POST' });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ id: t.id, status: 'completed' });
      const open = await kit.json(`/api/tasks/${t.id}/reopen`, { method: 'POST' });
      expect(open.status).toBe(200);
      expect(open.body).toMatchObject({ id: t.id, status: 'active' });
    });

    it('a malformed id → 400 naming it, an unknown one → 404 problem', async () => {
      for (const action of ['complete', 'reopen']) {
        const bad = await kit.json<{ errors: { field: string }[] }>(`/api/tasks/not-a-uuid/${action}`, {
          method: 'POST',
        });
        expect(bad.status).toBe(400);
        expect(bad.body.errors[0]!.field).toBe('id');
        const missing = await kit.json<{ type: string }>(
          `/api/tasks/00000000-0000-0000-0000-000000000000/${action}`,
          { method: 'POST' },
        );
        expect(missing.status).toBe(404);
        expect(missing.headers.get('content-type')).toContain('application/problem+json');
        expect(missing.body.type).toBe('/problems/not-found');
      }
    });
  });
});
