import { For } from 'solid-js';
import { Dialog } from '../../components/dialog';
import { SHORTCUTS } from './shortcuts';

/** The `?` dialog: every keyboard shortcut and what it does. */
export function ShortcutsDialog(props: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={props.onClose} size="small">
      <dl class="shortcuts">
        <For each={SHORTCUTS}>
          {(s) => (
            <div class="shortcut">
              <dt>
                <kbd>{s.key}</kbd>
              </dt>
              <dd>{s.does}</dd>
            </div>
          )}
        </For>
      </dl>
      <p class="hint">Shortcuts work anywhere but in a text field; Escape leaves a dialog.</p>
    </Dialog>
  );
}
