import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/harness';

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost();
});
afterAll(async () => host.stop());

it('starts from defaults, changes only what is sent, and validates each field', async () => {
  const initial = await host.json('/api/settings');
  expect(initial.body).toMatchObject({ email: null, defaultReminderChannel: 'in-app', updatedAt: null });
  expect(typeof initial.body.timezone).toBe('string');
  const put = await host.json('/api/settings', {
    method: 'PUT',
    json: { timezone: 'Europe/Berlin', email: 'me@example.test' },
  });
  expect(put.body).toMatchObject({
    timezone: 'Europe/Berlin',
    email: 'me@example.test',
    defaultReminderChannel: 'in-app',
  });
  const partial = await host.json('/api/settings', {
    method: 'PUT',
    json: { defaultReminderChannel: 'email' },
  });
  expect(partial.body).toMatchObject({
    timezone: 'Europe/Berlin',
    email: 'me@example.test',
    defaultReminderChannel: 'email',
  });
  expect((await host.json('/api/settings', { method: 'PUT', json: { email: null } })).body.email).toBeNull();
  for (const [body, field] of [
    [{ timezone: 'Moon/Base' }, 'timezone'],
    [{ email: 'not-an-address' }, 'email'],
    [{ defaultReminderChannel: 'sms' }, 'defaultReminderChannel'],
    [{ colour: 'blue' }, 'colour'],
  ] as const) {
    const res = await host.json('/api/settings', { method: 'PUT', json: body });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe(field);
  }
});

it('new tasks without a zone take the settings zone', async () => {
  await host.json('/api/settings', { method: 'PUT', json: { timezone: 'Asia/Tokyo' } });
  const t = await host.json('/api/tasks', {
    method: 'POST',
    json: { title: 'Sushi', due: '2026-05-01T19:00' },
  });
  expect(t.body).toMatchObject({ timezone: 'Asia/Tokyo', due: '2026-05-01T10:00:00.000Z' });
});

it('serves the zone names it accepts, and accepts each of them', async () => {
  const res = await host.json('/api/time-zones');
  expect(res.status).toBe(200);
  const zones: string[] = res.body.zones;
  expect(zones).toEqual(expect.arrayContaining(['UTC', 'Europe/Berlin', 'Asia/Kolkata', 'US/Eastern']));
  expect(zones).toEqual([...zones].sort());
  for (const zone of [zones[0], zones.at(-1), 'Asia/Kolkata']) {
    const put = await host.json('/api/settings', { method: 'PUT', json: { timezone: zone } });
    expect(put.status, zone).toBe(200);
  }
  expect(zones).not.toContain('europe/berlin');
});
