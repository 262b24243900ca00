import { createStore } from 'solid-js/store';
import type { Api } from '../api/client';
import type { Settings, SettingsInput } from '../api/types';

/** Server settings; the zone falls back to the browser's until they load. */
export function createSettingsStore(deps: {
  api: Pick<Api, 'getSettings' | 'putSettings' | 'timeZones'>;
  browserZone: string;
}) {
  const [state, setState] = createStore({ settings: null as Settings | null, error: null as string | null });

  async function load(): Promise<void> {
    try {
      const settings = await deps.api.getSettings();
      setState({ settings, error: null });
      // First run: the server has never been told a zone, so adopt this browser's, if the server
      // knows it (its list is the one validator of zone names).
      if (settings.updatedAt === null && (await deps.api.timeZones()).zones.includes(deps.browserZone)) {
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
