import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, UnprocessableError } from '../../core/errors';
import { SeriesUpdated } from '../../core/events/catalog';
import { getTask } from '../../core/tasks/commands';
import { findSeries } from '../../core/tasks/series';
import { type FunctionKit, functionKit } from '../../test/support/function-kit';
import series from '.';

let kit: FunctionKit;
beforeAll(async () => {
  kit = await functionKit(series, { now: '2026-03-04T14:00:00Z' });
});
afterAll(async () => kit.close());

async function standup() {
  const t = await kit.createTask({
    title: 'Standup',
    due: '2026-03-05T09:00:00Z',
    timezone: 'UTC',
    recurrence: { frequency: 'daily', interval: 1 },
  });
  return { taskId: t.id, seriesId: t.seriesId! };
}
const patch = (id: string, body: unknown, headers: Record<string, string> = {}) =>
  kit.call('patch', '/api/series/:id', { params: { id }, body, headers });

describe('series: the handlers', () => {
  it('read a series: rule, template, summary, next occurrence, version as ETag', async () => {
    const { seriesId } = await standup();
    const res = await kit.call('get', '/api/series/:id', { params: { id: seriesId } });
    expect(res).toMatchObject({
      status: 200,
      headers: { etag: '"1"' },
      body: {
        id: seriesId,
        rule: { frequency: 'daily', interval: 1 },
        mode: 'schedule',
        summary: expect.stringContaining('daily'),
        timezone: 'UTC',
        template: { title: 'Standup', tags: [] },
        version: 1,
        endedAt: null,
        nextOccurrence: '2026-03-05T09:00:00.000Z',
      },
    });
  });

  it('an edit changes the template for future instances, bumps the version and announces series.updated', async () => {
    const { taskId, seriesId } = await standup();
    const res = await patch(seriesId, { title: 'Daily standup', tags: ['Work'] }, { 'if-match': '"1"' });
    expect(res).toMatchObject({
      status: 200,
      headers: { etag: '"2"' },
      body: { template: { title: 'Daily standup', tags: ['work'] }, version: 2 },
    });
    expect((await getTask(kit.db, taskId)).title).toBe('Standup');
    const [event] = (await kit.emitted(SeriesUpdated)).filter((e) => e.subject === seriesId);
    expect(event).toMatchObject({
      sequence: 2,
      data: {
        seriesId,
        changedFields: ['title', 'tags'],
        template: { title: 'Daily standup', tags: ['work'] },
        rule: { frequency: 'daily', interval: 1 },
        actor: 'api',
      },
    });
  });

  it('a new rule is checked against the series; a stale If-Match or an unknown series is refused, changing nothing', async () => {
    const { seriesId } = await standup();
    const weekly = await patch(seriesId, {
      recurrence: { frequency: 'weekly', interval: 1, byWeekday: ['MO'] },
    });
    expect(weekly.body).toMatchObject({ rule: { frequency: 'weekly', byWeekday: ['MO'] }, version: 2 });
    await expect(
      patch(seriesId, { recurrence: { frequency: 'monthly', interval: 1, byWeekday: ['MO'] } }),
    ).rejects.toThrow(UnprocessableError);
    await expect(patch(seriesId, { title: 'Late' }, { 'if-match': '1' })).rejects.toThrow(ConflictError);
    await expect(patch(randomUUID(), { title: 'Nobody' })).rejects.toThrow(NotFoundError);
    await expect(kit.call('get', '/api/series/:id', { params: { id: randomUUID() } })).rejects.toThrow(
      NotFoundError,
    );
    expect(await findSeries(kit.db, seriesId)).toMatchObject({ version: 2, template: { title: 'Standup' } });
    expect((await kit.emitted(SeriesUpdated)).filter((e) => e.subject === seriesId)).toHaveLength(1);
  });
});

describe('series: its app over HTTP', () => {
  it('GET and PATCH /api/series/:id answer the series with its ETag', async () => {
    const { seriesId } = await standup();
    const got = await kit.json(`/api/series/${seriesId}`);
    expect(got.status).toBe(200);
    expect(got.headers.get('etag')).toBe('"1"');
    const edited = await kit.json(`/api/series/${seriesId}`, {
      method: 'PATCH',
      headers: { 'if-match': '"1"' },
      json: { priority: 'high' },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ template: { priority: 'high' }, version: 2 });
    expect(edited.headers.get('etag')).toBe('"2"');
  });

  it('a stale If-Match → 409, a bad one → 400, a bad field → 400 naming it, an unknown series → 404', async () => {
    const { seriesId } = await standup();
    const stale = await kit.json<{ errors: { field: string }[] }>(`/api/series/${seriesId}`, {
      method: 'PATCH',
      headers: { 'if-match': '"7"' },
      json: { title: 'x' },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.errors[0]!.field).toBe('If-Match');
    for (const [path, init, field] of [
      [`/api/series/${seriesId}`, { headers: { 'if-match': 'v1' }, json: { title: 'x' } }, 'If-Match'],
      [`/api/series/${seriesId}`, { json: { colour: 'red' } }, 'colour'],
      [`/api/series/${seriesId}`, { json: { recurrence: { frequency: 'hourly' } } }, 'recurrence.frequency'],
      ['/api/series/not-a-uuid', { json: { title: 'x' } }, 'id'],
    ] as const) {
      const res = await kit.json<{ errors: { field: string }[] }>(path, { method: 'PATCH', ...init });
      expect(res.status, field).toBe(400);
      expect(
        res.body.errors.map((e) => e.field),
        field,
      ).toContain(field);
    }
    expect((await kit.json('/api/series/not-a-uuid')).status).toBe(400);
    const missing = await kit.json<{ type: string }>(`/api/series/${randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(missing.body.type).toBe('/problems/not-found');
    expect(await findSeries(kit.db, seriesId)).toMatchObject({ version: 1 });
  });
});
