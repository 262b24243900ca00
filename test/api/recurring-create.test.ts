import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, startTestHost, type TestHost, testDatabase } from '../support/harness';

describe.each(DATABASE_KINDS)('creating a recurring task on %s', (kind) => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ database: await testDatabase(kind) });
  });
  afterAll(async () => host.stop());

  it('stores the series and the first instance in one statement', async () => {
    const res = await host.json('/api/tasks', {
      method: 'POST',
      json: {
        title: 'Pay rent',
        due: '2027-01-31T14:00:00Z',
        timezone: 'UTC',
        recurrence: { frequency: 'monthly', interval: 1, byMonthDay: 31 },
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      recurrence: { frequency: 'monthly', interval: 1, byMonthDay: 31 },
      recurrenceMode: 'schedule',
      occurrenceAt: '2027-01-31T14:00:00.000Z',
      // The one describer (core/domain/recurrence/description.ts), for clients to show as is.
      recurrenceSummary: 'monthly on the 31st at 2:00 PM',
    });
    expect(res.body.seriesId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await host.json(`/api/tasks/${res.body.id}`)).body).toEqual(res.body);
  });

  it('needs a due time to anchor the schedule', async () => {
    const res = await host.json('/api/tasks', {
      method: 'POST',
      json: { title: 'x', recurrence: { frequency: 'daily', interval: 1 } },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].field).toBe('due');
  });
});
