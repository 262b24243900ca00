import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getSettings } from '../../core/settings/settings';
import { type FunctionKit, functionKit } from '../../test/support/function-kit';
import settings from '.';

let kit: FunctionKit;
beforeEach(async () => {
  kit = await functionKit(settings, { now: '2026-03-04T14:00:00Z' });
});
afterEach(async () => kit.close());

describe('settings: the handlers', () => {
  it('read the defaults, store a change with the time it was made, and keep fields left out', async () => {
    const initial = await kit.call('get', '/api/settings');
    expect(initial.body).toMatchObject({ email: null, defaultReminderChannel: 'in-app', updatedAt: null });
    const put = await kit.call('put', '/api/settings', { body: { timezone: 'Europe/Berlin' } });
    expect(put).toEqual({
      status: 200,
      body: {
        timezone: 'Europe/Berlin',
        email: null,
        defaultReminderChannel: 'in-app',
        updatedAt: '2026-03-04T14:00:00.000Z',
      },
    });
    expect(await getSettings(kit.db)).toEqual(put.body);
    kit.clock.advance(60_000);
    const later = await kit.call('put', '/api/settings', { body: { defaultReminderChannel: 'email' } });
    expect(later.body).toMatchObject({ timezone: 'Europe/Berlin', updatedAt: '2026-03-04T14:01:00.000Z' });
    expect((await kit.call('get', '/api/settings')).body).toEqual(later.body);
  });
});

describe('settings: its app over HTTP', () => {
  it('starts from defaults, changes only what is sent, and validates each field', async () => {
    const initial = await kit.json<{ timezone: unknown }>('/api/settings');
    expect(initial.status).toBe(200);
    expect(initial.body).toMatchObject({ email: null, defaultReminderChannel: 'in-app', updatedAt: null });
    expect(typeof initial.body.timezone).toBe('string');
    const put = await kit.json('/api/settings', {
      method: 'PUT',
      json: { timezone: 'Europe/Berlin', email: 'me@example.test' },
    });
    expect(put.body).toMatchObject({
      timezone: 'Europe/Berlin',
      email: 'me@example.test',
      defaultReminderChannel: 'in-app',
    });
    const partial = await kit.json('/api/settings', {
      method: 'PUT',
      json: { defaultReminderChannel: 'email' },
    });
    expect(partial.body).toMatchObject({
      timezone: 'Europe/Berlin',
      email: 'me@example.test',
      defaultReminderChannel: 'email',
    });
    expect(
      (await kit.json<{ email: unknown }>('/api/settings', { method: 'PUT', json: { email: null } })).body
        .email,
    ).toBeNull();
    for (const [body, field] of [
      [{ timezone: 'Moon/Base' }, 'timezone'],
      [{ email: 'not-an-address' }, 'email'],
      [{ defaultReminderChannel: 'sms' }, 'defaultReminderChannel'],
      [{ colour: 'blue' }, 'colour'],
    ] as const) {
      const res = await kit.json<{ errors: { field: string }[] }>('/api/settings', {
        method: 'PUT',
        json: body,
      });
      expect(res.status).toBe(400);
      expect(res.body.errors[0]!.field).toBe(field);
    }
  });

  it('serves the zone names it accepts, and accepts each of them', async () => {
    const res = await kit.json<{ zones: string[] }>('/api/time-zones');
    expect(res.status).toBe(200);
    const zones = res.body.zones;
    expect(zones).toEqual(expect.arrayContaining(['UTC', 'Europe/Berlin', 'Asia/Kolkata', 'US/Eastern']));
    expect(zones).toEqual([...zones].sort());
    for (const zone of [zones[0], zones.at(-1), 'Asia/Kolkata']) {
      const put = await kit.json('/api/settings', { method: 'PUT', json: { timezone: zone } });
      expect(put.status, zone).toBe(200);
    }
    expect(zones).not.toContain('europe/berlin');
  });
});
