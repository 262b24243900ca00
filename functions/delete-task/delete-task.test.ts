import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tasks } from '../../core/db/schema';
import { NotFoundError } from '../../core/errors';
import { TaskDeleted, TaskPurged } from '../../core/events/catalog';
import { findTask } from '../../core/tasks/repository';
import { type FunctionKit, functionKit } from '../../test/support/function-kit';
import deleteTask from '.';

let kit: FunctionKit;
beforeAll(async () => {
  kit = await functionKit(deleteTask);
});
afterAll(async () => kit.close());

const remove = (id: string, permanent?: 'true' | 'false') =>
  kit.call('delete', '/api/tasks/:id', { params: { id }, query: permanent ? { permanent } : {} });
const emittedFor = async (id: string) => (await kit.emitted()).filter((e) => e.subject === id);

describe('delete-task: the handler', () => {
  it('moves a task to the trash (once: deleting it again changes nothing) and announces task.deleted', async () => {
    const t = await kit.createTask({ title: 'Old idea' });
    expect(await remove(t.id)).toEqual({ status: 204 });
    expect(await remove(t.id)).toEqual({ status: 204 });
    const stored = await findTask(kit.db, t.id, { includeDeleted: true });
    expect(stored).toMatchObject({ deletedAt: kit.clock.now(), version: 2 });
    const events = await emittedFor(t.id);
    expect(events.map((e) => [e.type, e.sequence])).toEqual([[TaskDeleted.type, 2]]);
    expect(events[0]!.data).toMatchObject({
      actor: 'api',
      task: { id: t.id, deletedAt: expect.any(String) },
    });
  });

  it('permanent=true removes the task at once, from the trash or not, and announces task.purged', async () => {
    const live = await kit.createTask({ title: 'Gone now' });
    const binned = await kit.createTask({ title: 'Gone from the bin' });
    await remove(binned.id);
    expect(await remove(live.id, 'true')).toEqual({ status: 204 });
    expect(await remove(binned.id, 'true')).toEqual({ status: 204 });
    expect(await findTask(kit.db, live.id, { includeDeleted: true })).toBeUndefined();
    expect(await findTask(kit.db, binned.id, { includeDeleted: true })).toBeUndefined();
    expect(await emittedFor(live.id)).toEqual([
      expect.objectContaining({
        type: TaskPurged.type,
        sequence: 2,
        data: { taskId: live.id, title: 'Gone now', actor: 'api', reason: 'permanent-delete' },
      }),
    ]);
    expect((await emittedFor(binned.id)).map((e) => e.type)).toEqual([TaskDeleted.type, TaskPurged.type]);
  });

  it('an unknown task is not found', async () => {
    await expect(remove('00000000-0000-0000-0000-000000000000')).rejects.toThrow(NotFoundError);
    await expect(remove('00000000-0000-0000-0000-000000000000', 'true')).rejects.toThrow(NotFoundError);
  });
});

describe('delete-task: its app over HTTP', () => {
  it('DELETE answers 204 without a body; ?permanent=true deletes for good', async () => {
    const t = await kit.createTask({ title: 'Over HTTP' });
    const res = await kit.request(`/api/tasks/${t.id}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect((await kit.request(`/api/tasks/${t.id}?permanent=true`, { method: 'DELETE' })).status).toBe(204);
    expect(await findTask(kit.db, t.id, { includeDeleted: true })).toBeUndefined();
  });

  it('a bad permanent flag or id → 400 naming it; an unknown task → 404; nothing is deleted', async () => {
    const t = await kit.createTask({ title: 'Keep me' });
    const flag = await kit.json<{ errors: { field: string }[] }>(`/api/tasks/${t.id}?permanent=yes`, {
      method: 'DELETE',
    });
    expect(flag.status).toBe(400);
    expect(flag.body.errors[0]!.field).toBe('permanent');
    const id = await kit.json<{ errors: { field: string }[] }>('/api/tasks/not-a-uuid', { method: 'DELETE' });
    expect(id.status).toBe(400);
    expect(id.body.errors[0]!.field).toBe('id');
    const missing = await kit.json('/api/tasks/00000000-0000-0000-0000-000000000000', { method: 'DELETE' });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(await findTask(kit.db, t.id)).toMatchObject({ deletedAt: null });
    expect((await kit.db.select().from(tasks)).length).toBeGreaterThan(0);
  });
});
