import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseDeadLetters } from '../../core/dead-letters/repository';
import { NotFoundError } from '../../core/errors';
import { type FunctionKit, functionKit } from '../../test/support/function-kit';
import deadLetters from '.';

let kit: FunctionKit;
let eventIds: string[];
beforeEach(async () => {
  kit = await functionKit(deadLetters);
  const task = await kit.createTask({ title: 'Poison' });
  const events = (await kit.seeded()).filter((e) => e.subject === task.id);
  const sink = databaseDeadLetters(kit.deps.database);
  eventIds = [];
  for (const [i, consumer] of ['audit-sink', 'schedule-reminders', 'task-stream'].entries()) {
    await sink.record({ consumer, event: events[0]!, status: 500, reason: `broken ${i + 1}`, attempts: 4 });
    eventIds.push(events[0]!.id);
  }
});
afterEach(async () => kit.close());

type Letters = { deadLetters: { id: number; consumer: string; reason: string; event: unknown }[] };

describe('dead-letters: the handlers', () => {
  it('list what failed for good, newest first, in pages, with the event itself', async () => {
    const all = (await kit.call('get', '/api/dead-letters')).body as Letters;
    expect(all.deadLetters.map((d) => d.consumer)).toEqual([
      'task-stream',
      'schedule-reminders',
      'audit-sink',
    ]);
    expect(all.deadLetters[0]).toMatchObject({
      eventId: eventIds[0],
      eventType: 'dev.taskwire.task.created.v1',
      status: 500,
      attempts: 4,
      reason: 'broken 3',
      event: { id: eventIds[0], data: { task: { title: 'Poison' } } },
    });
    const first = (await kit.call('get', '/api/dead-letters', { query: { limit: '2' } })).body as Letters;
    expect(first.deadLetters).toHaveLength(2);
    const rest = (
      await kit.call('get', '/api/dead-letters', {
        query: { limit: '2', before: String(first.deadLetters[1]!.id) },
      })
    ).body as Letters;
    expect(rest.deadLetters.map((d) => d.consumer)).toEqual(['audit-sink']);
  });

  it('dismiss one; dismissing it again, or one that never was, is not found', async () => {
    const [newest] = ((await kit.call('get', '/api/dead-letters')).body as Letters).deadLetters;
    expect(await kit.call('delete', '/api/dead-letters/:id', { params: { id: String(newest!.id) } })).toEqual(
      {
        status: 204,
      },
    );
    const left = ((await kit.call('get', '/api/dead-letters')).body as Letters).deadLetters;
    expect(left.map((d) => d.id)).not.toContain(newest!.id);
    expect(left).toHaveLength(2);
    await expect(
      kit.call('delete', '/api/dead-letters/:id', { params: { id: String(newest!.id) } }),
    ).rejects.toThrow(NotFoundError);
  });
});

describe('dead-letters: its app over HTTP', () => {
  it('GET lists, DELETE dismisses (204), an unknown one → 404, a bad id or limit → 400 naming it', async () => {
    const res = await kit.json<Letters>('/api/dead-letters?limit=1');
    expect(res.status).toBe(200);
    expect(res.body.deadLetters).toHaveLength(1);
    const id = res.body.deadLetters[0]!.id;
    expect((await kit.request(`/api/dead-letters/${id}`, { method: 'DELETE' })).status).toBe(204);
    const again = await kit.json<{ type: string }>(`/api/dead-letters/${id}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(again.body.type).toBe('/problems/not-found');
    for (const [path, method, field] of [
      ['/api/dead-letters/abc', 'DELETE', 'id'],
      ['/api/dead-letters/-1', 'DELETE', 'id'],
      ['/api/dead-letters?limit=500', 'GET', 'limit'],
      ['/api/dead-letters?before=x', 'GET', 'before'],
    ] as const) {
      const bad = await kit.json<{ errors: { field: string }[] }>(path, { method });
      expect(bad.status, path).toBe(400);
      expect(bad.body.errors[0]!.field, path).toBe(field);
    }
    expect((await kit.json<Letters>('/api/dead-letters')).body.deadLetters).toHaveLength(2);
  });
});
