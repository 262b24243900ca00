import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../core/errors';
import { insertNotification } from '../../core/notifications/repository';
import { type FunctionKit, functionKit } from '../../test/support/function-kit';
import notifications from '.';

let kit: FunctionKit;
let ids: string[];
beforeEach(async () => {
  kit = await functionKit(notifications, { now: '2026-03-08T18:45:00Z' });
  ids = [];
  for (const [i, kind] of (['reminder', 'digest', 'reminder-failed'] as const).entries()) {
    const n = await insertNotification(kit.db, {
      id: randomUUID(),
      kind,
      title: `Notification ${i + 1}`,
      body: 'body',
      taskIds: [randomUUID()],
      reminderIds: [],
      createdAt: new Date(Date.UTC(2026, 2, 8, 18, 40 + i)),
    });
    ids.push(n.id);
  }
});
afterEach(async () => kit.close());

type Page = { notifications: { id: string; readAt: string | null }[]; unread: number };
const list = async (query: Record<string, string> = {}) =>
  (await kit.call('get', '/api/notifications', { query })).body as Page;

describe('notifications: the handlers', () => {
  it('list newest first with the unread count; unread=true and before filter', async () => {
    const all = await list();
    expect(all.notifications.map((n) => n.id)).toEqual([...ids].reverse());
    expect(all.unread).toBe(3);
    expect((await list({ limit: '1' })).notifications.map((n) => n.id)).toEqual([ids[2]]);
    expect((await list({ before: '2026-03-08T18:42:00Z' })).notifications.map((n) => n.id)).toEqual([
      ids[1],
      ids[0],
    ]);
    await kit.call('post', '/api/notifications/:id/read', { params: { id: ids[1]! } });
    expect((await list({ unread: 'true' })).notifications.map((n) => n.id)).toEqual([ids[2], ids[0]]);
  });

  it('mark one read at the time it was read (once: reading it again keeps that time), then all', async () => {
    const read = await kit.call('post', '/api/notifications/:id/read', { params: { id: ids[0]! } });
    expect(read).toEqual({
      status: 200,
      body: expect.objectContaining({ id: ids[0], readAt: '2026-03-08T18:45:00.000Z' }),
    });
    kit.clock.advance(60_000);
    const again = await kit.call('post', '/api/notifications/:id/read', { params: { id: ids[0]! } });
    expect((again.body as { readAt: string }).readAt).toBe('2026-03-08T18:45:00.000Z');
    expect((await list()).unread).toBe(2);
    expect(await kit.call('post', '/api/notifications/read-all')).toEqual({
      status: 200,
      body: { marked: 2 },
    });
    expect(await list()).toMatchObject({ unread: 0 });
    expect(await kit.call('post', '/api/notifications/read-all')).toEqual({
      status: 200,
      body: { marked: 0 },
    });
  });

  it('an unknown notification is not found', async () => {
    await expect(
      kit.call('post', '/api/notifications/:id/read', { params: { id: randomUUID() } }),
    ).rejects.toThrow(NotFoundError);
  });
});

describe('notifications: its app over HTTP', () => {
  it('GET lists, POST /:id/read and /read-all mark read', async () => {
    const res = await kit.json<Page>('/api/notifications?unread=true&limit=2');
    expect(res.status).toBe(200);
    expect(res.body.notifications).toHaveLength(2);
    expect(res.body.unread).toBe(3);
    const read = await kit.json<{ readAt: string }>(`/api/notifications/${ids[0]}/read`, { method: 'POST' });
    expect(read.status).toBe(200);
    expect(read.body.readAt).toBe('2026-03-08T18:45:00.000Z');
    const all = await kit.json('/api/notifications/read-all', { method: 'POST' });
    expect(all).toMatchObject({ status: 200, body: { marked: 2 } });
  });

  it('bad query parameters and ids → 400 naming them; an unknown notification → 404', async () => {
    for (const [path, field] of [
      ['/api/notifications?limit=0', 'limit'],
      ['/api/notifications?before=yesterday', 'before'],
      ['/api/notifications?unread=yes', 'unread'],
    ]) {
      const res = await kit.json<{ errors: { field: string }[] }>(path!);
      expect(res.status, path).toBe(400);
      expect(res.body.errors[0]!.field, path).toBe(field);
    }
    const bad = await kit.json<{ errors: { field: string }[] }>('/api/notifications/42/read', {
      method: 'POST',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]!.field).toBe('id');
    const missing = await kit.json<{ type: string }>(`/api/notifications/${randomUUID()}/read`, {
      method: 'POST',
    });
    expect(missing.status).toBe(404);
    expect(missing.body.type).toBe('/problems/not-found');
    expect((await list()).unread).toBe(3);
  });
});
