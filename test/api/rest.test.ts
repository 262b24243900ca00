import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEntry } from '../../core/audit/repository';
import { DATABASE_KINDS, memoryLogger, startTestHost, type TestHost, testDatabase } from '../support/harness';

describe.each(DATABASE_KINDS)('REST API on %s', (kind) => {
  let host: TestHost;
  const logs = memoryLogger('info');

  beforeAll(async () => {
    host = await startTestHost({ log: logs.log, database: await testDatabase(kind) });
  });
  afterAll(async () => host.stop());

  async function create(body: Record<string, unknown>) {
    const res = await host.json('/api/tasks', { method: 'POST', json: body });
    expect(res.status).toBe(201);
    return res.body;
  }

  describe('task lifecycle over REST', () => {
    it('gets a task with its version as ETag', async () => {
      const t = await create({ title: 'Read a book' });
      const res = await host.json(`/api/tasks/${t.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(t);
      expect(res.headers.get('etag')).toBe('"1"');
    });

    it('updates with If-Match, refuses a stale version with 409 and changes nothing', async () => {
      const t = await create({ title: 'Draft', priority: 'low' });
      const ok = await host.json(`/api/tasks/${t.id}`, {
        method: 'PATCH',
        headers: { 'if-match': '"1"' },
        json: { title: 'Final', priority: null, tags: ['Work'] },
      });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ title: 'Final', priority: null, tags: ['work'], version: 2 });
      const stale = await host.json(`/api/tasks/${t.id}`, {
        method: 'PATCH',
        headers: { 'if-match': '1' },
        json: { title: 'Lost' },
      });
      expect(stale.status).toBe(409);
      expect(stale.headers.get('content-type')).toContain('application/problem+json');
      expect(stale.body.errors[0].field).toBe('If-Match');
      expect((await host.json(`/api/tasks/${t.id}`)).body.title).toBe('Final');
    });

    it('without If-Match the last write wins, and the overwritten values are logged and audited', async () => {
      const t = await create({ title: 'Shared' });
      await host.json(`/api/tasks/${t.id}`, { method: 'PATCH', json: { title: 'From phone' } });
      await host.json(`/api/tasks/${t.id}`, { method: 'PATCH', json: { title: 'From laptop' } });
      await host.settle();
      const audit = await host.json(`/api/audit?entityId=${t.id}`);
      const updates = audit.body.entries.filter((e: { action: string }) => e.action === 'updated');
      expect(updates).toHaveLength(2);
      // Every field the response carries is one the document declares (it said additionalProperties: false).
      expect(Object.keys(updates[0]).sort()).toEqual(Object.keys(AuditEntry.shape).sort());
      expect(updates[0].details).toMatchObject({
        precondition: 'none',
        changes: { title: { from: 'From phone', to: 'From laptop' } },
      });
      expect(
        logs
          .lines()
          .some((l) => l.message === 'update without If-Match: last write wins' && l.taskId === t.id),
      ).toBe(true);
    });

    it('completes idempotently, keeping the first completion time, and reopens', async () => {
      const t = await create({ title: 'Pay bills' });
      const first = await host.json(`/api/tasks/${t.id}/complete`, { method: 'POST' });
      expect(first.body).toMatchObject({ status: 'completed', version: 2 });
      await new Promise((r) => setTimeout(r, 5));
      const again = await host.json(`/api/tasks/${t.id}/complete`, { method: 'POST' });
      expect(again.body.completedAt).toBe(first.body.completedAt);
      expect(again.body.version).toBe(2);
      const reopened = await host.json(`/api/tasks/${t.id}/reopen`, { method: 'POST' });
      expect(reopened.body).toMatchObject({ status: 'active', completedAt: null, version: 3 });
      await host.settle();
      const actions = (await host.json(`/api/audit?entityId=${t.id}`)).body.entries.map(
        (e: { action: string }) => e.action,
      );
      expect(actions).toEqual(['reopened', 'completed', 'created']);
    });

    it('PATCH status=completed goes through the completion transition and event', async () => {
      const t = await create({ title: 'Via patch' });
      const res = await host.json(`/api/tasks/${t.id}`, {
        method: 'PATCH',
        json: { status: 'completed', title: 'Via patch!' },
      });
      expect(res.body).toMatchObject({ status: 'completed', title: 'Via patch!', version: 3 });
      await host.settle();
      const actions = (await host.json(`/api/audit?entityId=${t.id}`)).body.entries.map(
        (e: { action: string }) => e.action,
      );
      expect(actions).toEqual(['completed', 'updated', 'created']);
    });

    it('moves to the trash, hides from reads, restores, and purges for good', async () => {
      const t = await create({ title: 'Old idea' });
      expect((await host.request(`/api/tasks/${t.id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await host.request(`/api/tasks/${t.id}`, { method: 'DELETE' })).status).toBe(204);
      const gone = await host.json(`/api/tasks/${t.id}`);
      expect(gone.status).toBe(404);
      expect(gone.body.detail).toMatch(/trash/);
      const trash = await host.json('/api/trash');
      expect(trash.body.tasks.map((x: { id: string }) => x.id)).toContain(t.id);
      const listed = await host.json('/api/tasks?status=all&limit=200');
      expect(listed.body.tasks.map((x: { id: string }) => x.id)).not.toContain(t.id);
      const restored = await host.json(`/api/tasks/${t.id}/restore`, { method: 'POST' });
      expect(restored.body).toMatchObject({ deletedAt: null, version: 3 });
      expect((await host.request(`/api/tasks/${t.id}?permanent=true`, { method: 'DELETE' })).status).toBe(
        204,
      );
      expect((await host.json(`/api/tasks/${t.id}`)).status).toBe(404);
      expect((await host.json(`/api/tasks/${t.id}/restore`, { method: 'POST' })).status).toBe(404);
      await host.settle();
      const actions = (await host.json(`/api/audit?entityId=${t.id}`)).body.entries.map(
        (e: { action: string }) => e.action,
      );
      expect(actions).toEqual(['purged', 'restored', 'deleted', 'created']);
    });
  });

  describe('listing', () => {
    let ids: Record<string, string>;
    beforeAll(async () => {
      const a = await create({
        title: 'Alpha report',
        priority: 'high',
        tags: ['work'],
        due: '2031-01-05T10:00:00Z',
      });
      const b = await create({
        title: 'Beta groceries',
        priority: 'low',
        tags: ['home', 'errands'],
        due: '2031-01-03T10:00:00Z',
      });
      const c = await create({
        title: 'Gamma call',
        tags: ['work', 'phone'],
        description: 'about the report',
      });
      await host.json(`/api/tasks/${b.id}/complete`, { method: 'POST' });
      ids = { a: a.id, b: b.id, c: c.id };
    });
    const titles = async (qs: string) => {
      const res = await host.json(`/api/tasks?${qs}`);
      expect(res.status).toBe(200);
      return res.body.tasks
        .map((t: { id: string }) => t.id)
        .filter((id: string) => Object.values(ids).includes(id));
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
        const res: { body: { tasks: { id: string }[]; nextCursor: string | null } } = await host.json(
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
        const res = await host.json(`/api/tasks?${qs}`);
        expect(res.status, qs).toBe(400);
        expect(
          res.body.errors.map((e: { field: string }) => e.field),
          qs,
        ).toContain(field);
      }
    });
  });

  describe('bad input is a 4xx problem naming the field', () => {
    const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
      host.json('/api/tasks', { method: 'POST', body, headers });

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
      // What the OpenAPI document now states: PostgreSQL text holds no U+0000, a title is not blank.
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
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
    });

    it('malformed JSON → 400', async () => {
      const res = await post('{not json');
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe('(body)');
    });

    it('a JSON array or null is not a task → 400', async () => {
      expect((await post('[]')).status).toBe(400);
      expect((await post('null')).status).toBe(400);
    });

    it('wrong content type → 415', async () => {
      const res = await post('title=x', { 'content-type': 'application/x-www-form-urlencoded' });
      expect(res.status).toBe(415);
      expect(res.body.errors[0].field).toBe('content-type');
    });

    it('oversized body → 413 and nothing written', async () => {
      const before = (await host.json('/api/tasks?limit=200')).body.tasks.length;
      const res = await post(JSON.stringify({ title: 'x'.repeat(2_000_000) }));
      expect(res.status).toBe(413);
      expect((await host.json('/api/tasks?limit=200')).body.tasks.length).toBe(before);
    });

    it('unknown id → 404, malformed id → 400, unknown route → 404 problem', async () => {
      const missing = await host.json('/api/tasks/00000000-0000-0000-0000-000000000000');
      expect(missing.status).toBe(404);
      expect(missing.body.type).toBe('/problems/not-found');
      const bad = await host.json('/api/tasks/not-a-uuid/complete', { method: 'POST' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('id');
      const route = await host.json('/api/nothing-here');
      expect(route.status).toBe(404);
      expect(route.headers.get('content-type')).toContain('application/problem+json');
    });

    it('free text with U+0000 in a query string → 400 naming it, not a database error', async () => {
      for (const [path, field] of [
        ['/api/audit?type=a%00b', 'type'],
        ['/api/audit?entityId=%00', 'entityId'],
        ['/api/tasks?q=%00', 'q'],
      ] as const) {
        const res = await host.json(path);
        expect(res.status, path).toBe(400);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
    });

    it('a method a known path does not declare → 405 with Allow; OPTIONS lists them', async () => {
      const res = await host.json('/api/tasks', { method: 'PUT', json: { title: 'x' } });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS, POST');
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status: 405, type: '/problems/method-not-allowed' });
      const item = await host.json('/api/tasks/00000000-0000-0000-0000-000000000000/complete', {
        method: 'GET',
      });
      expect(item.status).toBe(405);
      expect(item.headers.get('allow')).toBe('OPTIONS, POST');
      const options = await host.json('/api/settings', { method: 'OPTIONS' });
      expect(options.status).toBe(204);
      expect(options.headers.get('allow')).toBe('GET, HEAD, OPTIONS, PUT');
    });

    it('If-Match that is not a version → 400', async () => {
      const t = await create({ title: 'Etag' });
      const res = await host.json(`/api/tasks/${t.id}`, {
        method: 'PATCH',
        headers: { 'if-match': 'abc' },
        json: { title: 'y' },
      });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe('If-Match');
    });

    it('a rejected request changes nothing (no task, no event)', async () => {
      await host.settle();
      const before = (await host.json('/api/audit?limit=200')).body.entries.length;
      await post(JSON.stringify({ title: 'x', due: 'garbage' }));
      await host.settle();
      expect((await host.json('/api/audit?limit=200')).body.entries.length).toBe(before);
    });
  });

  describe('operations endpoints', () => {
    it('serves health, liveness and readiness as JSON', async () => {
      for (const path of ['/health', '/live', '/ready']) {
        const res = await host.json(path);
        expect(res.status, path).toBe(200);
        expect(typeof res.body.status).toBe('string');
      }
      expect((await host.json('/ready')).body.checks).toEqual({ database: 'ok', bus: 'ok' });
    });

    it('exposes Prometheus metrics for requests and events', async () => {
      await create({ title: 'Metric me' });
      await host.settle();
      const text = await (await host.request('/metrics')).text();
      expect(text).toContain('# TYPE taskwire_http_requests_total counter');
      expect(text).toMatch(/taskwire_http_request_duration_seconds_bucket\{[^}]*route="\/api\/tasks"/);
      expect(text).toMatch(/taskwire_events_published_total\{type="dev.taskwire.task.created.v1"\} \d+/);
      expect(text).toMatch(
        /taskwire_events_delivered_total\{type="dev.taskwire.task.created.v1",consumer="audit-sink"\} \d+/,
      );
    });

    it('publishes an OpenAPI 3.1 document generated from the routes', async () => {
      const doc = (await host.json('/api/openapi.json')).body;
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/api/tasks', '/api/tasks/{id}', '/api/audit']),
      );
      expect(doc.paths['/api/tasks'].post.requestBody.content['application/json'].schema.required).toContain(
        'title',
      );
      expect(doc.paths['/api/tasks/{id}'].patch.parameters.map((p: { name: string }) => p.name)).toContain(
        'If-Match',
      );
    });

    it('carries the correlation id from the request into the response, the event and the audit trail', async () => {
      const res = await host.json('/api/tasks', {
        method: 'POST',
        headers: { 'x-correlation-id': 'trace-me-42' },
        json: { title: 'Traced' },
      });
      expect(res.headers.get('x-correlation-id')).toBe('trace-me-42');
      await host.settle();
      const entry = (await host.json(`/api/audit?entityId=${res.body.id}`)).body.entries[0];
      expect(entry.correlationId).toBe('trace-me-42');
      const generated = await host.request('/health');
      expect(generated.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});
