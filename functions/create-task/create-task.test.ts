import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tasks } from '../../core/db/schema';
import { TaskCreated } from '../../core/events/catalog';
import { getTask } from '../../core/tasks/commands';
import { findSeries } from '../../core/tasks/series';
import { type FunctionKit, functionKit } from '../../test/support/function-kit';
import { DATABASE_KINDS } from '../../test/support/harness';
import createTask from '.';

describe.each(DATABASE_KINDS)('create-task on %s', (kind) => {
  let kit: FunctionKit;
  beforeAll(async () => {
    kit = await functionKit(createTask, { database: kind });
  });
  afterAll(async () => kit.close());

  describe('the handler', () => {
    it('creates a task, answers 201 with it, and announces task.created once', async () => {
      const res = await kit.call('post', '/api/tasks', {
        body: {
          title: '  Buy milk ',
          priority: 'high',
          tags: ['#Errands', 'errands', 'Home Office'],
          due: '2030-01-02T17:00:00Z',
        },
      });
      expect(res.status).toBe(201);
      const task = res.body as { id: string };
      expect(task).toMatchObject({
        title: 'Buy milk',
        priority: 'high',
        tags: ['errands', 'home-office'],
        due: '2030-01-02T17:00:00.000Z',
        status: 'active',
        version: 1,
      });
      expect(res.headers).toEqual({ location: `/api/tasks/${task.id}`, etag: '"1"' });
      expect(await getTask(kit.db, task.id)).toEqual(task);
      const created = (await kit.emitted()).filter((e) => e.subject === task.id);
      expect(created.map((e) => e.type)).toEqual([TaskCreated.type]);
      expect(created[0]).toMatchObject({ sequence: 1, partitionkey: task.id, data: { task, actor: 'api' } });
    });

    it('reads a wall-clock due time in the given zone', async () => {
      const res = await kit.call('post', '/api/tasks', {
        body: { title: 'Call mom', due: '2026-03-08T15:00', timezone: 'America/New_York' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ due: '2026-03-08T19:00:00.000Z', timezone: 'America/New_York' });
    });

    it('a task without a zone takes the zone of the settings', async () => {
      await kit.deps.settings.put({ timezone: 'Asia/Tokyo' }, kit.clock.now());
      const res = await kit.call('post', '/api/tasks', { body: { title: 'Sushi', due: '2026-05-01T19:00' } });
      expect(res.body).toMatchObject({ timezone: 'Asia/Tokyo', due: '2026-05-01T10:00:00.000Z' });
    });

    it('stores the series and the first instance of a recurring task in one statement', async () => {
      const res = await kit.call('post', '/api/tasks', {
        body: {
          title: 'Pay rent',
          due: '2027-01-31T14:00:00Z',
          timezone: 'UTC',
          recurrence: { frequency: 'monthly', interval: 1, byMonthDay: 31 },
        },
      });
      expect(res.status).toBe(201);
      const task = res.body as { id: string; seriesId: string };
      expect(task).toMatchObject({
        recurrence: { frequency: 'monthly', interval: 1, byMonthDay: 31 },
        recurrenceMode: 'schedule',
        occurrenceAt: '2027-01-31T14:00:00.000Z',
        // The one describer (core/domain/recurrence/description.ts), for clients to show as is.
        recurrenceSummary: 'monthly on the 31st at 2:00 PM',
      });
      expect(task.seriesId).toMatch(/^[0-9a-f-]{36}$/);
      expect(await getTask(kit.db, task.id)).toEqual(task);
      expect(await findSeries(kit.db, task.seriesId)).toMatchObject({
        rule: { frequency: 'monthly', interval: 1, byMonthDay: 31 },
        template: { title: 'Pay rent' },
      });
    });
  });

  describe('its app over HTTP', () => {
    const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
      kit.json<{ status: number; title: string; errors: { field: string }[] }>('/api/tasks', {
        method: 'POST',
        body,
        headers,
      });
    /** Task rows and the events announcing them: a rejected request adds to neither. */
    const written = async () => ({
      tasks: (await kit.db.select({ id: tasks.id }).from(tasks)).length,
      events: (await kit.emitted()).length,
    });

    it('POST /api/tasks answers 201 with the task, its Location and its version as ETag', async () => {
      const res = await kit.json<{ id: string; title: string }>('/api/tasks', {
        method: 'POST',
        json: { title: 'Over HTTP' },
      });
      expect(res.status).toBe(201);
      expect(res.body.title).toBe('Over HTTP');
      expect(res.headers.get('location')).toBe(`/api/tasks/${res.body.id}`);
      expect(res.headers.get('etag')).toBe('"1"');
    });

    it.each([
      [{ priority: 'high' }, 'title'],
      [{ title: '' }, 'title'],
      [{ title: 'x', priority: 'urgent!!' }, 'priority'],
      [{ title: 'x', tags: 'work' }, 'tags'],
      [{ title: 'x', tags: ['ok', '??'] }, 'tags.1'],
      [{ title: 'x', due: 'next friday' }, 'due'],
      [{ title: 'x', due: '2030-13-45T10:00:00Z' }, 'due'],
      [{ title: 'x', timezone: 'Mars/Olympus' }, 'timezone'],
      [{ title: 'x', reminders: [{ minutesBefore: -5 }] }, 'reminders.0.minutesBefore'],
      [{ title: 'x', recurrence: { frequency: 'hourly' } }, 'recurrence.frequency'],
      [{ title: 'x', colour: 'red' }, 'colour'],
      // What the OpenAPI document states: PostgreSQL text holds no U+0000, a title is not blank.
      [{ title: 'a\u0000b' }, 'title'],
      [{ title: 'x', description: '\u0000' }, 'description'],
      [{ title: ' \u3000\ufeff' }, 'title'],
      [{ title: 'x', due: '2030-01-02' }, 'due'],
      [{ title: 'x', timezone: 'europe/berlin' }, 'timezone'],
    ])('%j → 400 naming %s', async (body, field) => {
      const res = await post(JSON.stringify(body));
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status: 400, title: 'Invalid request' });
      expect(res.body.errors.map((e) => e.field)).toContain(field);
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
    });

    it('a recurring task needs a due time to anchor its schedule, and a rule that can work', async () => {
      const noDue = await post(
        JSON.stringify({ title: 'x', recurrence: { frequency: 'daily', interval: 1 } }),
      );
      // Well-formed, so not a 400: a rule the domain refuses is a 422 naming the field.
      expect(noDue.status).toBe(422);
      expect(noDue.body.errors[0]!.field).toBe('due');
      const impossible = await post(
        JSON.stringify({
          title: 'x',
          due: '2026-03-05T09:00:00Z',
          recurrence: { frequency: 'monthly', interval: 1, byWeekday: ['MO'] },
        }),
      );
      expect(impossible.status).toBe(422);
      expect(impossible.body.errors[0]!.field).toBe('recurrence.byWeekday');
    });

    it('malformed JSON → 400', async () => {
      const res = await post('{not json');
      expect(res.status).toBe(400);
      expect(res.body.errors[0]!.field).toBe('(body)');
    });

    it('a JSON array or null is not a task → 400', async () => {
      expect((await post('[]')).status).toBe(400);
      expect((await post('null')).status).toBe(400);
    });

    it('wrong content type → 415', async () => {
      const res = await post('title=x', { 'content-type': 'application/x-www-form-urlencoded' });
      expect(res.status).toBe(415);
      expect(res.body.errors[0]!.field).toBe('content-type');
    });

    it('oversized body → 413 and nothing written', async () => {
      const before = await written();
      const res = await post(JSON.stringify({ title: 'x'.repeat(2_000_000) }));
      expect(res.status).toBe(413);
      expect(await written()).toEqual(before);
    });

    it('a rejected request changes nothing (no task, no event)', async () => {
      const before = await written();
      expect(before.tasks).toBeGreaterThan(0);
      expect((await post(JSON.stringify({ title: 'x', due: 'garbage' }))).status).toBe(400);
      expect(await written()).toEqual(before);
    });
  });
});
