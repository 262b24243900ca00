import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/harness';

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost();
});
afterAll(async () => host.stop());

const FIELDS = [
  'title',
  'description',
  'due',
  'timezone',
  'priority',
  'tags',
  'reminders',
  'recurrence',
  'recurrenceMode',
  'status',
];

/** Values that are almost right as often as they are wrong: where validators break. */
const nearMiss = fc.oneof(
  fc.jsonValue(),
  fc.string(),
  fc.constantFrom(
    '',
    ' ',
    'high',
    'low',
    'UTC',
    'Europe/Berlin',
    'daily',
    '2030-01-02T17:00:00Z',
    '2030-01-02T17:00',
    '\u0000',
    '😀',
  ),
  fc.date({ min: new Date(-1e14), max: new Date(1e14), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxLength: 25 }),
  fc.record(
    { minutesBefore: fc.oneof(fc.integer(), fc.double(), fc.string()), channel: fc.string() },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      frequency: fc.constantFrom('daily', 'weekly', 'monthly', 'yearly', 'x'),
      interval: fc.oneof(fc.integer(), fc.double()),
      byWeekday: fc.array(fc.constantFrom('MO', 'TU', 'XX')),
      byMonthDay: fc.integer(),
      until: fc.string(),
      count: fc.integer(),
    },
    { requiredKeys: [] },
  ),
);

const taskBody = fc.dictionary(
  fc.constantFrom(...FIELDS, 'id', 'version', '__proto__', 'constructor'),
  nearMiss,
  { maxKeys: 8 },
);

describe('fuzzing request bodies', () => {
  it('POST /api/tasks never answers 5xx, and every 201 is a readable task', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(taskBody, fc.jsonValue()), async (body) => {
        const res = await host.json('/api/tasks', { method: 'POST', json: body });
        expect(res.status).toBeLessThan(500);
        if (res.status === 201) {
          expect((await host.json(`/api/tasks/${res.body.id}`)).status).toBe(200);
        } else {
          expect(res.status).toBe(400);
          expect(res.body.errors.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('PATCH and the other routes never answer 5xx, whatever the body, id or query', async () => {
    const t = (await host.json('/api/tasks', { method: 'POST', json: { title: 'Fuzz target' } })).body;
    const ids = fc.oneof(fc.constant(t.id), fc.uuid(), fc.string({ maxLength: 40 }).map(encodeURIComponent));
    await fc.assert(
      fc.asyncProperty(
        ids,
        taskBody,
        fc.constantFrom('PATCH', 'POST', 'DELETE', 'GET', 'PUT'),
        fc.constantFrom('', '/complete', '/reopen', '/restore'),
        fc.dictionary(
          fc.constantFrom('status', 'limit', 'cursor', 'sort', 'permanent', 'q', 'tag', 'dueBefore'),
          fc.string(),
          { maxKeys: 3 },
        ),
        async (id, body, method, suffix, query) => {
          const qs = new URLSearchParams(query).toString();
          const res = await host.request(`/api/tasks/${id}${suffix}${qs ? `?${qs}` : ''}`, {
            method,
            ...(method === 'GET' || method === 'DELETE' ? {} : { json: body }),
          });
          expect(res.status).toBeLessThan(500);
          await res.body?.cancel();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('raw bytes with a JSON content type never answer 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const res = await host.request('/api/tasks', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: bytes,
        });
        expect([400, 415]).toContain(res.status);
        await res.body?.cancel();
      }),
      { numRuns: 200 },
    );
  });
});
