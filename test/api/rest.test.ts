import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, startTestHost, type TestHost, testDatabase } from '../support/harness';

describe.each(DATABASE_KINDS)('REST API on %s', (kind) => {
  let host: TestHost;

  beforeAll(async () => {
    host = await startTestHost({ database: await testDatabase(kind) });
  });
  afterAll(async () => host.stop());

  async function create(body: Record<string, unknown>) {
    const res = await host.json('/api/tasks', { method: 'POST', json: body });
    expect(res.status).toBe(201);
    return res.body;
  }

  describe('a task through the trash, across functions', () => {
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

  describe('the router across functions', () => {
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
