import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, UnprocessableError } from '../../core/errors';
import { TaskCompleted, TaskUpdated } from '../../core/events/catalog';
import { getTask } from '../../core/tasks/commands';
import { type FunctionKit, functionKit } from '../../test/support/function-kit';
import { DATABASE_KINDS } from '../../test/support/harness';
import updateTask from '.';

describe.each(DATABASE_KINDS)('update-task on %s', (kind) => {
  let kit: FunctionKit;
  beforeAll(async () => {
    kit = await functionKit(updateTask, { database: kind });
  });
  afterAll(async () => kit.close());

  const patch = (id: string, body: unknown, headers: Record<string, string> = {}, query = {}) =>
    kit.call('patch', '/api/tasks/:id', { params: { id }, body, headers, query });
  const emittedFor = async (id: string) => (await kit.emitted()).filter((e) => e.subject === id);

  describe('the handler', () => {
    it('changes the sent fields, answers the task with its new version as ETag, and announces task.updated', async () => {
      const t = await kit.createTask({ title: 'Draft', priority: 'low' });
      const res = await patch(
        t.id,
        { title: 'Final', priority: null, tags: ['Work'] },
        { 'if-match': '"1"' },
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ title: 'Final', priority: null, tags: ['work'], version: 2 });
      expect(res.headers).toEqual({ etag: '"2"' });
      const [updated] = await emittedFor(t.id);
      expect(updated).toMatchObject({
        type: TaskUpdated.type,
        sequence: 2,
        data: {
          precondition: 'if-match',
          actor: 'api',
          changes: { title: { from: 'Draft', to: 'Final' }, priority: { from: 'low', to: null } },
        },
      });
    });

    it('without If-Match the last write wins, and the overwritten values are logged and announced', async () => {
      const t = await kit.createTask({ title: 'Shared' });
      await patch(t.id, { title: 'From phone' });
      await patch(t.id, { title: 'From laptop' });
      const updates = await emittedFor(t.id);
      expect(updates.map((e) => e.type)).toEqual([TaskUpdated.type, TaskUpdated.type]);
      expect(updates[1]!.data).toMatchObject({
        precondition: 'none',
        changes: { title: { from: 'From phone', to: 'From laptop' } },
      });
      expect(
        kit.logs().some((l) => l.message === 'update without If-Match: last write wins' && l.taskId === t.id),
      ).toBe(true);
    });

    it('status=completed goes through the completion transition and event', async () => {
      const t = await kit.createTask({ title: 'Via patch' });
      const res = await patch(t.id, { status: 'completed', title: 'Via patch!' });
      expect(res.body).toMatchObject({ status: 'completed', title: 'Via patch!', version: 3 });
      expect((await emittedFor(t.id)).map((e) => [e.type, e.sequence])).toEqual([
        [TaskUpdated.type, 2],
        [TaskCompleted.type, 3],
      ]);
    });

    it('a stale If-Match is a conflict that changes nothing', async () => {
      const t = await kit.createTask({ title: 'Mine' });
      await patch(t.id, { title: 'Theirs' });
      await expect(patch(t.id, { title: 'Lost' }, { 'if-match': '1' })).rejects.toThrow(ConflictError);
      expect((await getTask(kit.db, t.id)).title).toBe('Theirs');
      expect(await emittedFor(t.id)).toHaveLength(1);
    });

    it('scope=series on a task that does not repeat, and an unknown task, are refused', async () => {
      const t = await kit.createTask({ title: 'Once' });
      await expect(patch(t.id, { title: 'Twice' }, {}, { scope: 'series' })).rejects.toThrow(
        UnprocessableError,
      );
      await expect(patch('00000000-0000-0000-0000-000000000000', { title: 'x' })).rejects.toThrow(
        NotFoundError,
      );
      expect(await emittedFor(t.id)).toEqual([]);
    });
  });

  describe('its app over HTTP', () => {
    it('updates with If-Match, refuses a stale version with 409 and changes nothing', async () => {
      const t = await kit.createTask({ title: 'Draft', priority: 'low' });
      const ok = await kit.json(`/api/tasks/${t.id}`, {
        method: 'PATCH',
        headers: { 'if-match': '"1"' },
        json: { title: 'Final', priority: null, tags: ['Work'] },
      });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ title: 'Final', priority: null, tags: ['work'], version: 2 });
      expect(ok.headers.get('etag')).toBe('"2"');
      const stale = await kit.json<{ errors: { field: string }[] }>(`/api/tasks/${t.id}`, {
        method: 'PATCH',
        headers: { 'if-match': '1' },
        json: { title: 'Lost' },
      });
      expect(stale.status).toBe(409);
      expect(stale.headers.get('content-type')).toContain('application/problem+json');
      expect(stale.body.errors[0]!.field).toBe('If-Match');
      expect((await getTask(kit.db, t.id)).title).toBe('Final');
    });

    it('If-Match that is not a version → 400', async () => {
      const t = await kit.createTask({ title: 'Etag' });
      const res = await kit.json<{ errors: { field: string }[] }>(`/api/tasks/${t.id}`, {
        method: 'PATCH',
        headers: { 'if-match': 'abc' },
        json: { title: 'y' },
      });
      expect(res.status).toBe(400);
      expect(res.body.errors[0]!.field).toBe('If-Match');
    });

    it('a bad field, a bad scope or an empty change → 400 naming it; an unknown task → 404', async () => {
      const t = await kit.createTask({ title: 'Target' });
      for (const [path, body, field] of [
        [`/api/tasks/${t.id}`, { priority: 'urgent' }, 'priority'],
        [`/api/tasks/${t.id}`, { due: 'someday' }, 'due'],
        [`/api/tasks/${t.id}`, { colour: 'red' }, 'colour'],
        [`/api/tasks/${t.id}?scope=everything`, { title: 'x' }, 'scope'],
        ['/api/tasks/not-a-uuid', { title: 'x' }, 'id'],
      ] as const) {
        const res = await kit.json<{ errors: { field: string }[] }>(path, { method: 'PATCH', json: body });
        expect(res.status, path).toBe(400);
        expect(
          res.body.errors.map((e) => e.field),
          JSON.stringify(body),
        ).toContain(field);
      }
      const empty = await kit.json(`/api/tasks/${t.id}`, { method: 'PATCH', json: {} });
      expect(empty.status).toBe(400);
      const missing = await kit.json<{ type: string }>('/api/tasks/00000000-0000-0000-0000-000000000000', {
        method: 'PATCH',
        json: { title: 'x' },
      });
      expect(missing.status).toBe(404);
      expect(missing.body.type).toBe('/problems/not-found');
      expect((await getTask(kit.db, t.id)).version).toBe(1);
    });
  });
});
