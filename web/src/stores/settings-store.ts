import { createStore } from 'solid-js/store';
import type { Api } from '../api/client';
import type { Settings, SettingsInput } from '../api/types';
import { isValidTimeZone } from '../lib/time';

/** Server settings; the zone falls back to the browser's until they load. */
export function createSettingsStore(deps: {
  api: Pick<Api, 'getSettings' | 'putSettings'>;
  browserZone: string;
}) {
  const [state, setState] = createStore({ settings: null as Settings | null, error: null as string | null });

  async function load(): Promise<void> {
    try {
      const settings = await deps.api.getSettings();
      setState({ settings, error: null });
      // First run: the server has never been told a zone, so adopt this browser's.
      if (settings.updatedAt === null && isValidTimeZone(deps.browserZone)) {
        setState('settings', await deps.api.putSettings({ timezone: deps.browserZone }));
      }
    } catch (err) {
      setState('error', err instanceof Error ? err.message : 'Could not load settings');
    }
  }

  async function save(input: SettingsInput): Promise<Settings> {
    const settings = await deps.api.putSettings(input);
    setState({ settings, error: null });
    return settings;
  }

  return {
    state,
    timeZone: (): string => state.settings?.timezone ?? deps.browserZone,
    load,
    save,
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
