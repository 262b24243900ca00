import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../core/errors';
import { completeTask, trashTaskById } from '../../core/tasks/commands';
import { type FunctionKit, functionKit } from '../../test/support/function-kit';
import { DATABASE_KINDS } from '../../test/support/harness';
import listTasks from '.';

describe.each(DATABASE_KINDS)('list-tasks on %s', (kind) => {
  let kit: FunctionKit;
  let ids: Record<'a' | 'b' | 'c', string>;
  beforeAll(async () => {
    kit = await functionKit(listTasks, { database: kind });
    const a = await kit.createTask({
      title: 'Alpha report',
      priority: 'high',
      tags: ['work'],
      due: '2031-01-05T10:00:00Z',
    });
    const b = await kit.createTask({
      title: 'Beta groceries',
      priority: 'low',
      tags: ['home', 'errands'],
      due: '2031-01-03T10:00:00Z',
    });
    const c = await kit.createTask({
      title: 'Gamma call',
      tags: ['work', 'phone'],
      description: 'about the report',
    });
    await completeTask(kit.seed, b.id);
    ids = { a: a.id, b: b.id, c: c.id };
  });
  afterAll(async () => kit.close());

  describe('the handlers', () => {
    it('gets a task with its version as ETag', async () => {
      const t = await kit.createTask({ title: 'Read a book' });
      const res = await kit.call('get', '/api/tasks/:id', { params: { id: t.id } });
      expect(res).toEqual({ status: 200, body: t, headers: { etag: '"1"' } });
    });

    it('a task in the trash is not found by id, not listed, and listed in the trash, newest first, in pages', async () => {
      const older = await kit.createTask({ title: 'Old idea' });
      const newer = await kit.createTask({ title: 'Older idea' });
      await trashTaskById(kit.seed, older.id);
      kit.clock.advance(1000);
      await trashTaskById(kit.seed, newer.id);
      await expect(kit.call('get', '/api/tasks/:id', { params: { id: older.id } })).rejects.toThrow(
        NotFoundError,
      );
      await expect(kit.call('get', '/api/tasks/:id', { params: { id: older.id } })).rejects.toThrow(/trash/);
      const listed = await kit.call('get', '/api/tasks', { query: { status: 'all', limit: '200' } });
      const listedIds = (listed.body as { tasks: { id: string }[] }).tasks.map((t) => t.id);
      expect(listedIds).not.toContain(older.id);
      type Page = { tasks: { id: string }[]; nextCursor: string | null };
      const trash = (await kit.call('get', '/api/trash')).body as Page;
      expect(trash.tasks.map((t) => t.id).filter((id) => [older.id, newer.id].includes(id))).toEqual([
        newer.id,
        older.id,
      ]);
      const first = (await kit.call('get', '/api/trash', { query: { limit: '1' } })).body as Page;
      expect(first.tasks.map((t) => t.id)).toEqual([trash.tasks[0]!.id]);
      const second = (
        await kit.call('get', '/api/trash', { query: { limit: '1', cursor: first.nextCursor! } })
      ).body as Page;
      expect(second.tasks.map((t) => t.id)).toEqual([trash.tasks[1]!.id]);
    });
  });

  describe('its app over HTTP', () => {
    const titles = async (qs: string) => {
      const res = await kit.json<{ tasks: { id: string }[] }>(`/api/tasks?${qs}`);
      expect(res.status).toBe(200);
      return res.body.tasks.map((t) => t.id).filter((id) => Object.values(ids).includes(id));
    };

    it('filters by status, priority, tag, due range and text', async () => {
      expect(await titles('status=active&limit=200')).toEqual(expect.arrayContaining([ids.a, ids.c]));
      expect(await titles('status=active&limit=200')).not.toContain(ids.b);
      expect(await titles('status=completed&limit=200')).toEqual([ids.b]);
      expect(await titles('priority=high,low&limit=200')).toEqual([ids.b, ids.a]);
      expect(await titles('tag=work&limit=200&sort=title')).toEqual([ids.a, ids.c]);
      expect(await titles('tag=work,phone&limit=200')).toEqual([ids.c]);
      expect(await titles('dueAfter=2031-01-04T00:00:00Z&limit=200')).toEqual([ids.a]);
      expect(await titles('dueBefore=2031-01-04T00:00:00Z&dueAfter=2031-01-01T00:00:00Z&limit=200')).toEqual([
        ids.b,
      ]);
      expect(await titles('q=REPORT&limit=200&sort=title')).toEqual([ids.a, ids.c]);
      expect(await titles('q=100%25&limit=200')).toEqual([]);
    });

    it('sorts and pages with an opaque cursor', async () => {
      expect(await titles('sort=due&limit=200')).toEqual([ids.b, ids.a, ids.c]);
      expect(await titles('sort=-due&limit=200')).toEqual([ids.c, ids.a, ids.b]);
      expect(await titles('sort=priority&limit=200')).toEqual([ids.a, ids.b, ids.c]);
      const seen: string[] = [];
      let cursor: string | null = '';
      let pages = 0;
      while (cursor !== null) {
        const res: { body: { tasks: { id: string }[]; nextCursor: string | null } } = await kit.json(
          `/api/tasks?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        seen.push(...res.body.tasks.map((t) => t.id));
        cursor = res.body.nextCursor;
        pages++;
      }
      expect(pages).toBeGreaterThan(1);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(expect.arrayContaining(Object.values(ids)));
    });

    it('rejects bad query parameters naming them', async () => {
      for (const [qs, field] of [
        ['status=done', 'status'],
        ['priority=urgent', 'priority'],
        ['limit=0', 'limit'],
        ['limit=abc', 'limit'],
        ['dueBefore=tomorrow', 'dueBefore'],
        ['sort=colour', 'sort'],
        ['cursor=xyz', 'cursor'],
      ]) {
        const res = await kit.json<{ errors: { field: string }[] }>(`/api/tasks?${qs}`);
        expect(res.status, qs).toBe(400);
        expect(
          res.body.errors.map((e) => e.field),
          qs,
        ).toContain(field);
      }
    });

    it('GET /api/tasks/:id: the task with its ETag; unknown id → 404, malformed id → 400, unknown route → 404 problem', async () => {
      const t = await kit.createTask({ title: 'By id' });
      const found = await kit.json(`/api/tasks/${t.id}`);
      expect(found.status).toBe(200);
      expect(found.body).toEqual(t);
      expect(found.headers.get('etag')).toBe('"1"');
      const missing = await kit.json<{ type: string }>('/api/tasks/00000000-0000-0000-0000-000000000000');
      expect(missing.status).toBe(404);
      expect(missing.body.type).toBe('/problems/not-found');
      const bad = await kit.json<{ errors: { field: string }[] }>('/api/tasks/not-a-uuid');
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0]!.field).toBe('id');
      const route = await kit.json('/api/nothing-here');
      expect(route.status).toBe(404);
      expect(route.headers.get('content-type')).toContain('application/problem+json');
    });

    it('GET /api/trash lists deleted tasks and names a bad cursor', async () => {
      await trashTaskById(kit.seed, (await kit.createTask({ title: 'Binned' })).id);
      const res = await kit.json<{ tasks: { deletedAt: string | null }[] }>('/api/trash');
      expect(res.status).toBe(200);
      expect(res.body.tasks.length).toBeGreaterThan(0);
      for (const t of res.body.tasks) expect(t.deletedAt).not.toBeNull();
      const bad = await kit.json<{ errors: { field: string }[] }>('/api/trash?cursor=xyz');
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0]!.field).toBe('cursor');
    });
  });
});
