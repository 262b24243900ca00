import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processedEvents } from '../../core/db/schema';
import { NotificationCreated, SeriesUpdated, TaskCreated } from '../../core/events/catalog';
import type { TaskwireEvent } from '../../core/events/define-event';
import { completeTask } from '../../core/tasks/commands';
import { type FunctionKit, functionKit } from '../../test/support/function-kit';
import { openStream, readStream } from '../../test/support/sse';
import taskStream from '.';

let kit: FunctionKit;
const streams: ReturnType<typeof readStream>[] = [];
const httpStreams: Awaited<ReturnType<typeof openStream>>[] = [];
beforeEach(async () => {
  kit = await functionKit(taskStream, { now: '2026-03-04T14:00:00Z' });
});
afterEach(async () => {
  for (const s of [...streams.splice(0), ...httpStreams.splice(0)]) await s.close();
  await kit.close();
});

/** A client of the function's own app: GET /api/stream, read until hello. */
async function connect(headers: Record<string, string> = {}) {
  const res = await kit.request('/api/stream', { headers });
  const s = Object.assign(readStream(res), { res });
  streams.push(s);
  await s.waitFor((e) => e.event === 'hello');
  return s;
}
async function created(title: string): Promise<TaskwireEvent> {
  const t = await kit.createTask({ title });
  return (await kit.seeded(TaskCreated)).find((e) => e.subject === t.id)!;
}

describe('task-stream: the handler', () => {
  it('hands each change to every open connection of this process, as an update with its sequence', async () => {
    const a = await connect();
    const b = await connect();
    expect((kit.instance.local as { size: number }).size).toBe(2);
    const event = await created('Buy milk');
    expect(await kit.deliver(event)).toBe('processed');
    for (const s of [a, b]) {
      const update = await s.waitFor((e) => e.event === 'update');
      expect(update.id).toBe(event.id);
      expect(s.updates()).toEqual([
        {
          kind: 'task',
          type: 'created',
          taskId: event.subject,
          sequence: 1,
          task: expect.objectContaining({ title: 'Buy milk' }),
        },
      ]);
    }
  });

  it('carries notifications on the same stream', async () => {
    const s = await connect();
    const notification = {
      id: randomUUID(),
      kind: 'reminder' as const,
      title: 'Soon',
      body: 'Due in 1 minute',
      taskIds: [randomUUID()],
      createdAt: kit.clock.now().toISOString(),
      readAt: null,
    };
    await kit.deliver(
      NotificationCreated.create(
        { data: { notification, actor: 'test' }, subject: notification.id, sequence: 1 },
        { source: '/taskwire/test', correlationId: 'c-1' },
      ),
    );
    const ev = await s.waitFor((e) => e.event === 'update');
    expect(JSON.parse(ev.data!).updates).toEqual([{ kind: 'notification', notification }]);
  });

  it('only touches memory: no transaction, no dedupe record, so a duplicate is delivered again (clients compare sequence)', async () => {
    const s = await connect();
    const event = await created('Twice');
    expect(await kit.deliver(event)).toBe('processed');
    await s.waitFor((e) => e.event === 'update');
    expect(await kit.deliver(event)).toBe('processed');
    await s.waitFor((e) => e.event === 'update' && s.events.filter((x) => x.event === 'update').length === 2);
    expect(await kit.db.select().from(processedEvents)).toEqual([]);
    expect(await kit.emitted()).toEqual([]);
  });

  it('the process stopping closes its connections (setup registered the cleanup)', async () => {
    const s = await connect();
    await kit.close();
    for (let i = 0; i < 60 && !s.ended; i++) await new Promise((r) => setTimeout(r, 50));
    expect(s.ended).toBe(true);
    kit = await functionKit(taskStream);
  });
});

describe('task-stream: its app', () => {
  /** A client over real HTTP: the hub writes to the Node response itself. */
  async function connectOverHttp(headers: Record<string, string> = {}) {
    const s = await openStream(`${await kit.listen()}/api/stream`, headers);
    httpStreams.push(s);
    await s.waitFor((e) => e.event === 'hello');
    return s;
  }

  it('says hello, then delivers a binary-mode CloudEvent as an update with the task and its sequence', async () => {
    const s = await connectOverHttp();
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toContain('text/event-stream');
    expect(s.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(s.events[0]).toEqual({ comment: 'welcome' });

    const event = await created('Buy milk');
    expect(await kit.sendEvent(event)).toMatchObject({ status: 200, body: { outcome: 'processed' } });
    const ev = await s.waitFor((e) => e.event === 'update');
    expect(ev.id).toBeTruthy();
    expect(s.updates()).toEqual([
      {
        kind: 'task',
        type: 'created',
        taskId: event.subject,
        sequence: 1,
        task: expect.objectContaining({ title: 'Buy milk' }),
      },
    ]);
  });

  it('replays what a reconnecting client missed, from its Last-Event-ID', async () => {
    const first = await connectOverHttp();
    await kit.sendEvent(await created('Seen'));
    const seen = await first.waitFor((e) => e.event === 'update');
    await first.close();
    const missed = await kit.createTask({ title: 'Missed while away' });
    const done = await completeTask(kit.seed, missed.id);
    const again = await connectOverHttp({ 'last-event-id': seen.id! });
    const replay = await again.waitFor((e) => e.event === 'update' && JSON.parse(e.data!).replay === true);
    const updates = JSON.parse(replay.data!).updates;
    expect(updates).toContainEqual(
      expect.objectContaining({ taskId: missed.id, type: 'completed', sequence: done.view.version }),
    );
  });

  it('tells a client whose last event is unknown to reload', async () => {
    const s = await connectOverHttp({ 'last-event-id': 'no-such-event' });
    await s.waitFor((e) => e.event === 'reset');
  });

  it('answers in memory too (a web ReadableStream): hello first, and the correlation id', async () => {
    const s = await connect({ 'x-correlation-id': 'trace-me-7' });
    expect(s.res.headers.get('content-type')).toContain('text/event-stream');
    expect(s.res.headers.get('x-correlation-id')).toBe('trace-me-7');
    expect(s.events.slice(0, 2).map((e) => e.comment ?? e.event)).toEqual(['welcome', 'hello']);
  });

  it('a lastEventId query parameter that is too long → 400 naming it', async () => {
    const res = await kit.json<{ errors: { field: string }[] }>(`/api/stream?lastEventId=${'x'.repeat(201)}`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0]!.field).toBe('lastEventId');
  });

  it('400 for an event it is not subscribed to, or invalid data; nothing reaches the clients', async () => {
    const s = await connect();
    const series = SeriesUpdated.create(
      {
        data: {
          seriesId: randomUUID(),
          rule: { frequency: 'daily', interval: 1 },
          mode: 'schedule',
          template: { title: 'x' },
          changedFields: ['title'],
          actor: 'test',
        },
        subject: randomUUID(),
        sequence: 2,
      },
      { source: '/taskwire/test', correlationId: 'c-1' },
    );
    const notMine = await kit.sendEvent(series);
    expect(notMine.status).toBe(400);
    expect(notMine.body.errors).toEqual([{ field: 'type', message: 'not subscribed' }]);
    const event = await created('Broken');
    const invalid = await kit.sendEvent({ ...event, data: { task: 'not a task' } });
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.body.errors)).toContain('data.task');
    await new Promise((r) => setTimeout(r, 100));
    expect(s.updates()).toEqual([]);
  });
});
