import { Show } from 'solid-js';
import type { PushStatus, PushStore } from '../../stores/push-store';

const WHY_NOT: Partial<Record<PushStatus, string>> = {
  checking: 'Checking what this browser supports…',
  unsupported: 'This browser cannot receive push notifications.',
  insecure: 'Push notifications need the app to be served over HTTPS (or from localhost).',
  blocked: 'Notifications are blocked for this site: allow them in the browser’s site settings.',
};

/** Settings: push reminders to this browser, even with Taskwire closed. Acts at once (no Save). */
export function PushToggle(props: { push: PushStore }) {
  const status = () => props.push.status();
  const usable = () => status() === 'on' || status() === 'off';
  return (
    <fieldset class="radio-row">
      <legend>Notifications on this device</legend>
      <label>
        <input
          type="checkbox"
          checked={status() === 'on'}
          disabled={!usable() || props.push.busy()}
          aria-describedby="push-toggle-hint"
          onChange={(e) => void (e.currentTarget.checked ? props.push.enable() : props.push.disable())}
        />
        Push reminders to this device
      </label>
      <p id="push-toggle-hint" class="hint" role={props.push.error() ? 'alert' : undefined}>
        <Show
          when={props.push.error()}
          fallback={WHY_NOT[status()] ?? 'They arrive even when Taskwire is closed.'}
        >
          {(message) => message()}
        </Show>
      </p>
    </fieldset>
  );
}
