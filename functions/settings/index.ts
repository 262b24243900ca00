import { SettingsInput, SettingsView } from '../../core/settings/settings';
import { defineFunction, route } from '../_runtime/define-function';

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
