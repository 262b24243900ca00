import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../core/errors';
import { TaskRestored } from '../../core/events/catalog';
import { purgeTask, trashTaskById } from '../../core/tasks/commands';
import { type FunctionKit, functionKit } from '../../test/support/function-kit';
import restoreTask from '.';

let kit: FunctionKit;
beforeAll(async () => {
  kit = await functionKit(restoreTask);
});
afterAll(async () => kit.close());

const restore = (id: string) => kit.call('post', '/api/tasks/:id/restore', { params: { id } });
const emittedFor = async (id: string) => (await kit.emitted()).filter((e) => e.subject === id);

describe('restore-task: the handler', () => {
  it('brings a task back from the trash and announces task.restored', async () => {
    const t = await kit.createTask({ title: 'Second thoughts' });
    await trashTaskById(kit.seed, t.id);
    const res = await restore(t.id);
    expect(res).toMatchObject({ status: 200, body: { id: t.id, deletedAt: null, version: 3 } });
    expect(await emittedFor(t.id)).toEqual([
      expect.objectContaining({
        type: TaskRestored.type,
        sequence: 3,
        data: { task: res.body, actor: 'api' },
      }),
    ]);
  });

  it('restoring a task that is not in the trash changes nothing', async () => {
    const t = await kit.createTask({ title: 'Never binned' });
    expect((await restore(t.id)).body).toEqual(t);
    expect(await emittedFor(t.id)).toEqual([]);
  });

  it('a purged or unknown task is not found', async () => {
    const t = await kit.createTask({ title: 'Purged' });
    await purgeTask(kit.seed, t.id, 'permanent-delete');
    await expect(restore(t.id)).rejects.toThrow(NotFoundError);
    await expect(restore('00000000-0000-0000-0000-000000000000')).rejects.toThrow(NotFoundError);
  });
});

describe('restore-task: its app over HTTP', () => {
  it('POST /api/tasks/:id/restore answers the restored task', async () => {
    const t = await kit.createTask({ title: 'Over HTTP' });
    await trashTaskById(kit.seed, t.id);
    const res = await kit.json(`/api/tasks/${t.id}/restore`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: t.id, deletedAt: null });
  });

  it('a malformed id → 400 naming it; a purged task → 404 problem', async () => {
    const bad = await kit.json<{ errors: { field: string }[] }>('/api/tasks/nope/restore', {
      method: 'POST',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]!.field).toBe('id');
    const t = await kit.createTask({ title: 'Purged' });
    await purgeTask(kit.seed, t.id, 'permanent-delete');
    const missing = await kit.json<{ type: string }>(`/api/tasks/${t.id}/restore`, { method: 'POST' });
    expect(missing.status).toBe(404);
    expect(missing.body.type).toBe('/problems/not-found');
  });
});
