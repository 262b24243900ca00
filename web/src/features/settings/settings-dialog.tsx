import { createSignal, For, Show } from 'solid-js';
import type { ReminderChannel, Settings, SettingsInput } from '../../api/types';
import { Dialog } from '../../components/dialog';
import type { PushStore } from '../../stores/push-store';
import { createFormErrors } from '../task-form/form-errors';
import { PushToggle } from './push-toggle';

export interface SettingsDialogProps {
  settings: Settings | null;
  browserZone: string;
  zones: string[];
  hasToken: boolean;
  /** This browser's push subscription (a toggle that acts at once). */
  push?: PushStore;
  onSave: (input: SettingsInput) => Promise<unknown>;
  onForgetToken: () => void;
  onClose: () => void;
}

const FIELDS = ['timezone', 'email', 'defaultReminderChannel'] as const;

export function SettingsDialog(props: SettingsDialogProps) {
  const [zone, setZone] = createSignal(props.settings?.timezone ?? props.browserZone);
  const [email, setEmail] = createSignal(props.settings?.email ?? '');
  const [channel, setChannel] = createSignal<ReminderChannel>(
    props.settings?.defaultReminderChannel ?? 'in-app',
  );
  const [busy, setBusy] = createSignal(false);
  const errors = createFormErrors(FIELDS);
  let form: HTMLFormElement | undefined;

  async function save(): Promise<void> {
    setBusy(true);
    try {
      await props.onSave({
        timezone: zone().trim(),
        email: email().trim() || null,
        defaultReminderChannel: channel(),
      });
      props.onClose();
    } catch (err) {
      errors.fromError(err);
      errors.focusFirst(form);
    } finally {
      setBusy(false);
    }
  }

  const invalid = (name: string) => (errors.fields()[name] ? true : undefined);

  return (
    <Dialog title="Settings" onClose={props.onClose} size="small">
      <form
        ref={form}
        class="task-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Show when={errors.other().length > 0}>
          <div class="alert" role="alert">
            <For each={errors.other()}>{(m) => <p>{m}</p>}</For>
          </div>
        </Show>
        <div class="field">
          <label for="settings-zone">Time zone</label>
          <input
            id="settings-zone"
            type="text"
            list="settings-zones"
            autocomplete="off"
            aria-invalid={invalid('timezone')}
            aria-describedby="settings-zone-hint settings-zone-error"
            value={zone()}
            onInput={(e) => setZone(e.currentTarget.value)}
          />
          <datalist id="settings-zones">
            <For each={props.zones}>{(z) => <option value={z} />}</For>
          </datalist>
          <p id="settings-zone-hint" class="hint">
            Times are shown in this zone.{' '}
            <Show when={zone() !== props.browserZone}>
              <button type="button" class="link-button" onClick={() => setZone(props.browserZone)}>
                Use this device's zone ({props.browserZone})
              </button>
            </Show>
          </p>
          <Show when={errors.fields().timezone}>
            <p id="settings-zone-error" class="field-error">
              {errors.fields().timezone}
            </p>
          </Show>
        </div>
        <div class="field">
          <label for="settings-email">Email for reminders</label>
          <input
            id="settings-email"
            type="email"
            autocomplete="email"
            placeholder="you@example.com"
            aria-invalid={invalid('email')}
            aria-describedby="settings-email-error"
            value={email()}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
          <Show when={errors.fields().email}>
            <p id="settings-email-error" class="field-error">
              {errors.fields().email}
            </p>
          </Show>
        </div>
        <fieldset class="radio-row" aria-invalid={invalid('defaultReminderChannel')}>
          <legend>Remind me</legend>
          <label>
            <input
              type="radio"
              name="channel"
              checked={channel() === 'in-app'}
              onChange={() => setChannel('in-app')}
            />
            in the app
          </label>
          <label>
            <input
              type="radio"
              name="channel"
              checked={channel() === 'email'}
              onChange={() => setChannel('email')}
            />
            by email
          </label>
        </fieldset>
        <Show when={props.push}>{(push) => <PushToggle push={push()} />}</Show>
        <Show when={props.hasToken}>
          <p class="hint">
            This browser keeps an access token for the server.{' '}
            <button type="button" class="link-button" onClick={() => props.onForgetToken()}>
              Forget it
            </button>
          </p>
        </Show>
        <div class="form-actions">
          <button type="button" class="button button-quiet" onClick={() => props.onClose()}>
            Cancel
          </button>
          <button type="submit" class="button button-primary" disabled={busy()}>
            {busy() ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
