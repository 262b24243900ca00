import { createSignal } from 'solid-js';
import { Dialog } from '../../components/dialog';

/** Asked for when the server answers 401: it runs with AUTH_TOKEN. */
export function TokenDialog(props: { onSave: (token: string) => void; onClose: () => void }) {
  const [token, setToken] = createSignal('');
  return (
    <Dialog title="Access token needed" onClose={props.onClose} size="small">
      <form
        class="task-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (token().trim()) props.onSave(token().trim());
        }}
      >
        <p>This Taskwire server asks for an access token. It is kept in this browser only.</p>
        <div class="field">
          <label for="access-token">Access token</label>
          <input
            id="access-token"
            type="password"
            data-autofocus
            autocomplete="current-password"
            value={token()}
            onInput={(e) => setToken(e.currentTarget.value)}
          />
        </div>
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={!token().trim()}>
            Continue
          </button>
        </div>
      </form>
    </Dialog>
  );
}
