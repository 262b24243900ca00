import { For, Show } from 'solid-js';
import { CloseIcon } from '../../components/icons';
import type { Toast } from '../../stores/toast-store';

/** Bottom corner messages; a screen reader hears them as they arrive. */
export function Toasts(props: { items: Toast[]; onDismiss: (id: number) => void }) {
  return (
    <section class="toasts" aria-label="Messages" aria-live="polite">
      <For each={props.items}>
        {(toast) => (
          <div class={`toast toast-${toast.tone}`} role={toast.tone === 'error' ? 'alert' : 'status'}>
            <div class="toast-text">
              <strong>{toast.title}</strong>
              <Show when={toast.body}>
                <span class="toast-body">{toast.body}</span>
              </Show>
            </div>
            <Show when={toast.action}>
              {(action) => (
                <button
                  type="button"
                  class="link-button"
                  onClick={() => {
                    action().run();
                    props.onDismiss(toast.id);
                  }}
                >
                  {action().label}
                </button>
              )}
            </Show>
            <button
              type="button"
              class="icon-button"
              aria-label="Dismiss"
              onClick={() => props.onDismiss(toast.id)}
            >
              <CloseIcon />
            </button>
          </div>
        )}
      </For>
    </section>
  );
}
