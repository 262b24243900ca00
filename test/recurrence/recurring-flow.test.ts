import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/ports/clock';
import { DATABASE_KINDS, startTestHost, type TestHost, testDatabase } from '../support/harness';

interface TaskBody {
  id: string;
  title: string;
  due: string;
  status: string;
  catchUp: boolean;
  seriesId: string;
  occurrenceAt: string;
}

describe.each(DATABASE_KINDS)('recurring tasks on %s', (kind) => {
  let host: TestHost;
  let clock: ManualClock;
  afterEach(async () => host?.stop());

  async function start(now: string) {
    clock = new ManualClock(now);
    host = await startTestHost({ clock, database: await testDatabase(kind) });
  }
  async function create(body: Record<string, unknown>): Promise<TaskBody> {
    const res = await host.json('/api/tasks', { method: 'POST', json: body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }
  async function complete(id: string) {
    expect((await host.json(`/api/tasks/${id}/complete`, { method: 'POST' })).status).toBe(200);
    await host.settle();
  }
  async function series(seriesId: string, status = 'all'): Promise<TaskBody[]> {
    const res = await host.json(`/api/tasks?status=${status}&limit=200&sort=due`);
    return (res.body.tasks as TaskBody[]).filter((t) => t.seriesId === seriesId);
  }

  it('completing a daily task creates the next occurrence at once, at the same wall-clock time', async () => {
    await start('2026-03-04T14:00:00Z');
    const first = await create({
      title: 'Take vitamins',
      due: '2026-03-07T08:00',
      timezone: 'America/New_York',
      recurrence: { frequency: 'daily', interval: 1 },
      tags: ['health'],
      priority: 'high',
      reminders: [{ minutesBefore: 10 }],
    });
    await complete(first.id);
    const active = await series(first.seriesId, 'active');
    expect(active).toHaveLength(1);
    // March 8 is the DST change in New York: 08:00 local is 12:00Z, not 13:00Z.
    expect(active[0]).toMatchObject({
      title: 'Take vitamins',
      due: '2026-03-08T12:00:00.000Z',
      catchUp: false,
      tags: ['health'],
      priority: 'high',
      reminders: [{ minutesBefore: 10 }],
    });
    const audit = (await host.json(`/api/audit?entityId=${active[0]!.id}`)).body.entries;
    expect(audit.map((e: { action: string }) => e.action).sort()).toEqual(['created', 'generated']);
    expect(audit.find((e: { action: string }) => e.action === 'generated').details).toMatchObject({
      sourceTaskId: first.id,
      seriesId: first.seriesId,
    });
  });

  it('completed three days late: the missed occurrences (catch-up) plus the next one', async () => {
    await start('2026-03-04T14:00:00Z'); // 09:00 in New York
    const first = await create({
      title: 'Water plants',
      due: '2026-03-01T08:00',
      timezone: 'America/New_York',
      recurrence: { frequency: 'daily', interval: 1 },
    });
    await complete(first.id);
    const active = await series(first.seriesId, 'active');
    expect(active.map((t) => [t.due.slice(0, 10), t.catchUp])).toEqual([
      ['2026-03-02', true],
      ['2026-03-03', true],
      ['2026-03-04', true],
      ['2026-03-05', false],
    ]);
  });

  it('a monthly task on the 31st clamps to February and comes back to the 31st', async () => {
    await start('2027-01-20T10:00:00Z');
    let current = await create({
      title: 'Pay rent',
      due: '2027-01-31T14:00:00Z',
      timezone: 'UTC',
      recurrence: { frequency: 'monthly', interval: 1, byMonthDay: 31 },
    });
    const dues: string[] = [];
    for (let i = 0; i < 3; i++) {
      await complete(current.id);
      const next = (await series(current.seriesId, 'active'))[0]!;
      dues.push(next.due);
      current = next;
    }
    expect(dues).toEqual([
      '2027-02-28T14:00:00.000Z',
      '2027-03-31T14:00:00.000Z',
      '2027-04-30T14:00:00.000Z',
    ]);
  });

  it('a series edit changes only instances generated afterwards', async () => {
    await start('2026-03-04T14:00:00Z');
    const first = await create({
      title: 'Standup',
      due: '2026-03-05T09:00:00Z',
      recurrence: { frequency: 'daily', interval: 1 },
    });
    await complete(first.id);
    const second = (await series(first.seriesId, 'active'))[0]!;
    const edit = await host.json(`/api/series/${first.seriesId}`, {
      method: 'PATCH',
      json: { title: 'Daily standup', tags: ['work'] },
    });
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({
      template: { title: 'Daily standup', tags: ['work'] },
      summary: expect.stringContaining('daily'),
    });
    expect((await host.json(`/api/tasks/${second.id}`)).body.title).toBe('Standup');
    expect((await host.json(`/api/tasks/${first.id}`)).body.title).toBe('Standup');
    await complete(second.id);
    const third = (await series(first.seriesId, 'active'))[0]!;
    expect(third).toMatchObject({ title: 'Daily standup', due: '2026-03-07T09:00:00.000Z' });
    await host.settle();
    const audit = (await host.json(`/api/audit?entityId=${first.seriesId}`)).body.entries;
    expect(audit[0]).toMatchObject({
      eventType: 'dev.taskwire.series.updated.v1',
      details: { changedFields: ['title', 'tags'] },
    });
  });

  it('PATCH ?scope=series changes this instance and the future ones', async () => {
    await start('2026-03-04T14:00:00Z');
    const first = await create({
      title: 'Gym',
      due: '2026-03-05T18:00:00Z',
      recurrence: { frequency: 'weekly', interval: 1 },
    });
    const res = await host.json(`/api/tasks/${first.id}?scope=series`, {
      method: 'PATCH',
      json: { title: 'Gym (legs)' },
    });
    expect(res.body.title).toBe('Gym (legs)');
    await complete(first.id);
    expect((await series(first.seriesId, 'active'))[0]).toMatchObject({
      title: 'Gym (legs)',
      due: '2026-03-12T18:00:00.000Z',
    });
  });

  it('a one-off task can be made recurring, and the repetition can be stopped', async () => {
    await start('2026-03-04T14:00:00Z');
    const t = await create({ title: 'Review budget', due: '2026-03-31T10:00:00Z' });
    const made = await host.json(`/api/tasks/${t.id}`, {
      method: 'PATCH',
      json: { recurrence: { frequency: 'monthly', interval: 1 } },
    });
    expect(made.status).toBe(200);
    expect(made.body).toMatchObject({ recurrence: { frequency: 'monthly', interval: 1 }, version: 2 });
    expect(made.body.seriesId).toBeTruthy();
    await complete(t.id);
    const next = (await series(made.body.seriesId, 'active'))[0]!;
    expect(next.due).toBe('2026-04-30T10:00:00.000Z');
    const stopped = await host.json(`/api/tasks/${next.id}`, { method: 'PATCH', json: { recurrence: null } });
    expect(stopped.body).toMatchObject({ recurrence: null, seriesId: null });
    await complete(next.id);
    expect(await series(made.body.seriesId, 'active')).toHaveLength(0);
  });

  it('honours count: no instance beyond the last one', async () => {
    await start('2026-03-04T14:00:00Z');
    let t = await create({
      title: 'Course',
      due: '2026-03-05T09:00:00Z',
      recurrence: { frequency: 'weekly', interval: 1, count: 2 },
    });
    await complete(t.id);
    t = (await series(t.seriesId, 'active'))[0]!;
    await complete(t.id);
    expect(await series(t.seriesId, 'active')).toHaveLength(0);
  });
});
