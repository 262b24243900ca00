import { z } from 'zod';
import { timeZones } from '../../core/domain/time';
import { SettingsInput, SettingsView } from '../../core/settings/settings';
import { defineFunction, route } from '../_runtime/define-function';

export const TimeZoneList = z.object({ zones: z.array(z.string()) });

export default defineFunction({
  id: 'settings',
  description: 'Reads and changes the user settings (time zone, email, default reminder channel).',
  routes: [
    route({
      method: 'get',
      path: '/api/settings',
      summary: 'Read settings',
      tags: ['settings'],
      responses: { 200: { description: 'Settings', schema: SettingsView } },
      handler: async ({ deps }) => ({ status: 200, body: await deps.settings.get() }),
    }),
    route({
      method: 'get',
      path: '/api/time-zones',
      summary: 'The time zone names the API accepts',
      description:
        'Every IANA zone and link name this server can compute with, sorted: the same list that validates `timezone` in tasks and settings.',
      tags: ['settings'],
      responses: { 200: { description: 'Zone names', schema: TimeZoneList } },
      handler: async () => ({ status: 200, body: { zones: timeZones() } }),
    }),
    route({
      method: 'put',
      path: '/api/settings',
      summary: 'Change settings',
      description: 'Fields left out keep their value; email null removes the address.',
      tags: ['settings'],
      body: SettingsInput,
      responses: { 200: { description: 'Settings after the change', schema: SettingsView } },
      handler: async ({ body, deps }) => ({
        status: 200,
        body: await deps.settings.put(body, deps.clock.now()),
      }),
    }),
  ],
});
