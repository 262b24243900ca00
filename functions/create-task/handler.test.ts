import { afterEach, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../../test/support/harness';

let host: TestHost;
afterEach(async () => host?.stop());

describe('POST /api/tasks', () => {
  it('creates a task, answers 201 with it, and audits task.created once', async () => {
    host = await startTestHost();
    const res = await host.json('/api/tasks', {
      method: 'POST',
      json: {
        title: '  Buy milk ',
        priority: 'high',
        tags: ['#Errands', 'errands', 'Home Office'],
        due: '2030-01-02T17:00:00Z',
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      title: 'Buy milk',
      priority: 'high',
      tags: ['errands', 'home-office'],
      due: '2030-01-02T17:00:00.000Z',
      status: 'active',
      version: 1,
    });
    expect(res.headers.get('location')).toBe(`/api/tasks/${res.body.id}`);
    await host.settle();
    const audit = await host.json(`/api/audit?entityId=${res.body.id}`);
    expect(audit.body.entries.map((e: { eventType: string }) => e.eventType)).toEqual([
      'dev.taskwire.task.created.v1',
    ]);
  });

  it('reads a wall-clock due time in the given zone', async () => {
    host = await startTestHost();
    const res = await host.json('/api/tasks', {
      method: 'POST',
      json: { title: 'Call mom', due: '2026-03-08T15:00', timezone: 'America/New_York' },
    });
    expect(res.status).toBe(201);
    expect(res.body.due).toBe('2026-03-08T19:00:00.000Z');
    expect(res.body.timezone).toBe('America/New_York');
  });
});
