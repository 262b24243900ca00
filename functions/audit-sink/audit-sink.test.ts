import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEntry } from '../../core/audit/repository';
import { newTask, toView } from '../../core/domain/task';
import { TaskCreated, TaskDeleted } from '../../core/events/catalog';
import { toBinaryHttp } from '../../core/events/http-binding';
import { completeTask } from '../../core/tasks/commands';
import { type FunctionKit, functionKit } from '../../test/support/function-kit';
import auditSink from '.';

let kit: FunctionKit;
beforeAll(async () => {
  kit = await functionKit(auditSink, { now: '2026-03-04T14:00:00Z' });
});
afterAll(async () => kit.close());

const meta = { source: '/taskwire/test', correlationId: 'c-1' };
function createdEvent(title = 'Buy milk') {
  const task = newTask({ title }, { id: randomUUID(), now: new Date(), defaultTimezone: 'UTC' });
  return TaskCreated.create(
    { data: { task: toView(task), actor: 'api' }, subject: task.id, sequence: 1 },
    meta,
  );
}
const trail = async (query: string) =>
  (await kit.json<{ entries: Record<string, unknown>[]; nextBefore: number | null }>(`/api/audit?${query}`))
    .body;

describe('audit-sink: the handlers', () => {
  it('writes one entry per event: entity, action, actor, time, correlation and what a reader needs', async () => {
    const t = await kit.createTask({ title: 'Pay bills', priority: 'high', due: '2026-03-05T12:00:00Z' });
    kit.clock.advance(60_000);
    await completeTask(kit.seed, t.id);
    for (const event of await kit.seeded()) {
      if (event.subject === t.id) expect(await kit.deliver(event)).toBe('processed');
    }
    const res = await kit.call('get', '/api/audit', { query: { entityId: t.id } });
    const [completed, created] = (res.body as { entries: Record<string, unknown>[] }).entries;
    expect(created).toMatchObject({
      eventType: TaskCreated.type,
      entityType: 'task',
      entityId: t.id,
      action: 'created',
      actor: 'test',
      at: '2026-03-04T14:00:00.000Z',
      correlationId: 'kit-seed',
      details: {
        title: 'Pay bills',
        status: 'active',
        priority: 'high',
        version: 1,
        due: '2026-03-05T12:00:00.000Z',
      },
    });
    expect(completed).toMatchObject({
      action: 'completed',
      at: '2026-03-04T14:01:00.000Z',
      details: { version: 2 },
    });
  });

  it('a batch holding the same event twice (a redelivery beside the original) applies it once', async () => {
    const ev = createdEvent();
    const other = createdEvent('Other');
    expect(await kit.deliverBatch([ev, other, ev])).toEqual([
      { status: 200 },
      { status: 200 },
      { status: 200 },
    ]);
    expect((await trail(`entityId=${ev.subject}`)).entries).toHaveLength(1);
    expect((await trail(`entityId=${other.subject}`)).entries).toHaveLength(1);
    const metrics = await (await kit.request('/metrics')).text();
    expect(metrics).toMatch(
      /taskwire_events_duplicate_total\{type="dev.taskwire.task.created.v1",consumer="audit-sink"\} 1/,
    );
  });

  it('serves the trail newest first, filtered by entity, type and time, in pages', async () => {
    const subject = randomUUID();
    const events = [1, 2, 3].map((i) => {
      const task = toView(
        newTask({ title: `Page ${i}` }, { id: subject, now: kit.clock.now(), defaultTimezone: 'UTC' }),
      );
      return TaskDeleted.create(
        { data: { task, actor: 'api' }, subject, sequence: i, time: new Date(Date.UTC(2026, 2, 10 + i)) },
        meta,
      );
    });
    await kit.deliverBatch(events);
    const page = await kit.call('get', '/api/audit', { query: { entityId: subject, limit: '2' } });
    const first = page.body as { entries: { id: number; details: { title: string } }[]; nextBefore: number };
    expect(first.entries.map((e) => e.details.title)).toEqual(['Page 3', 'Page 2']);
    // Every field an entry carries is one the document declares (it says additionalProperties: false).
    expect(Object.keys(first.entries[0]!).sort()).toEqual(Object.keys(AuditEntry.shape).sort());
    expect(first.nextBefore).toBe(first.entries[1]!.id);
    const rest = await kit.call('get', '/api/audit', {
      query: { entityId: subject, limit: '2', before: String(first.nextBefore) },
    });
    expect(rest.body).toMatchObject({ entries: [{ details: { title: 'Page 1' } }], nextBefore: null });
    const since = await kit.call('get', '/api/audit', {
      query: { type: TaskDeleted.type, since: '2026-03-12T00:00:00Z' },
    });
    expect((since.body as { entries: { entityId: string }[] }).entries.map((e) => e.entityId)).toEqual([
      subject,
      subject,
    ]);
  });
});

describe('audit-sink: its app receiving CloudEvents (the Knative contract)', () => {
  it('acknowledges a binary-mode event, applies it once, and acknowledges a duplicate without a second effect', async () => {
    const ev = createdEvent();
    const { headers, body } = toBinaryHttp(ev);
    const first = await kit.app.request('/', { method: 'POST', headers, body });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ outcome: 'processed' });
    const again = await kit.app.request('/', { method: 'POST', headers, body });
    expect(await again.json()).toEqual({ outcome: 'duplicate' });
    const entries = (await trail(`entityId=${ev.subject}`)).entries;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ eventId: ev.id, action: 'created', correlationId: 'c-1' });
  });

  it('accepts structured mode too', async () => {
    const ev = createdEvent();
    expect((await kit.sendEvent(ev, 'structured')).status).toBe(200);
    expect((await trail(`entityId=${ev.subject}`)).entries).toHaveLength(1);
  });

  it('answers 400 (not retried) for an unknown type, invalid data or a non-CloudEvent', async () => {
    const ev = createdEvent();
    const unknown = toBinaryHttp({ ...ev, type: 'dev.taskwire.mystery.v1' });
    expect((await kit.app.request('/', { method: 'POST', ...unknown })).status).toBe(400);
    const bad = toBinaryHttp({ ...ev, data: { task: { title: 5 } } } as unknown as typeof ev);
    const res = await kit.app.request('/', { method: 'POST', ...bad });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('data.task');
    expect(
      (
        await kit.app.request('/', {
          method: 'POST',
          body: '{}',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(400);
    expect((await trail(`entityId=${ev.subject}`)).entries).toEqual([]);
  });

  it('GET /api/audit names a bad query parameter', async () => {
    for (const [qs, field] of [
      ['since=yesterday', 'since'],
      ['before=-1', 'before'],
      ['limit=0', 'limit'],
      [`entityId=${'x'.repeat(201)}`, 'entityId'],
    ]) {
      const res = await kit.json<{ errors: { field: string }[] }>(`/api/audit?${qs}`);
      expect(res.status, qs).toBe(400);
      expect(res.body.errors[0]!.field, qs).toBe(field);
    }
  });
});
