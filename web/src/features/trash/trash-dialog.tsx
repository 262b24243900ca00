import { createSignal, For, onMount, Show } from 'solid-js';
import { Dialog } from '../../components/dialog';
import { relativePast } from '../../lib/time';
import type { TrashStore } from '../../stores/trash-store';

export interface TrashDialogProps {
  trash: TrashStore;
  now: Date;
  timeZone: string;
  onClose: () => void;
  onError: (message: string) => void;
  onRestored: (title: string) => void;
}

/** Deleted tasks with restore and delete-forever (which asks once more). */
export function TrashDialog(props: TrashDialogProps) {
  const [confirming, setConfirming] = createSignal<string | null>(null);
  onMount(() => void props.trash.load());

  const run = async (action: () => Promise<void>, failure: string) => {
    try {
      await action();
    } catch (err) {
      props.onError(`${failure}: ${err instanceof Error ? err.message : err}`);
    }
  };

  return (
    <Dialog
      title="Trash"
      subtitle="Deleted tasks stay here for 30 days, then they are gone for good."
      onClose={props.onClose}
    >
      <Show when={props.trash.status.error}>
        <p class="alert" role="alert">
          {props.trash.status.error}
        </p>
      </Show>
      <Show
        when={props.trash.items().length > 0}
        fallback={<p class="empty-note">{props.trash.status.loading ? 'Loading…' : 'The trash is empty.'}</p>}
      >
        <ul class="plain-list" aria-label="Deleted tasks">
          <For each={props.trash.items()}>
            {(task) => (
              <li class="trash-item">
                <div>
                  <span class="trash-title">{task.title}</span>
                  <span class="hint">
                    deleted{' '}
                    {relativePast(new Date(task.deletedAt ?? task.updatedAt), props.now, props.timeZone)}
                  </span>
                </div>
                <div class="trash-actions">
                  <button
                    type="button"
                    class="button"
                    aria-label={`Restore ${task.title}`}
                    onClick={() =>
                      void run(async () => {
                        await props.trash.restore(task.id);
                        props.onRestored(task.title);
                      }, 'Could not restore')
                    }
                  >
                    Restore
                  </button>
                  <Show
                    when={confirming() === task.id}
                    fallback={
                      <button
                        type="button"
                        class="button button-danger-quiet"
                        aria-label={`Delete ${task.title} forever`}
                        onClick={() => setConfirming(task.id)}
                      >
                        Delete forever
                      </button>
                    }
                  >
                    <button
                      type="button"
                      class="button button-danger"
                      ref={(el) => queueMicrotask(() => el.focus())}
                      onClick={() => void run(() => props.trash.purge(task.id), 'Could not delete')}
                      onBlur={() => setConfirming(null)}
                    >
                      Really delete?
                    </button>
                  </Show>
                </div>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </Dialog>
  );
}
