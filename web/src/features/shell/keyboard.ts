import { createSignal } from 'solid-js';
import type { TaskStore } from '../../stores/task-store';
import { focusShortcutTarget, moveSelection, useShortcuts } from './shortcuts';

/**
 * The app's keyboard: `q` quick add, `/` search, `j`/`k` move the selection through the list as
 * shown, `x` completes (or reopens) the selected task, `e` edits it, `?` lists the shortcuts.
 */
export function createKeyboard(deps: {
  tasks: Pick<TaskStore, 'groups' | 'setCompleted'>;
  openTask: (id: string) => void;
  onError: (message: string) => void;
}) {
  const [selected, setSelected] = createSignal<string | null>(null);
  const [helpOpen, setHelpOpen] = createSignal(false);
  const shown = () => deps.tasks.groups().flatMap((g) => g.tasks);
  const current = () => shown().find((t) => t.id === selected());

  useShortcuts({
    q: () => focusShortcutTarget('quick-add'),
    '/': () => focusShortcutTarget('search'),
    j: () => setSelected(moveSelection(shown(), selected(), 1)),
    k: () => setSelected(moveSelection(shown(), selected(), -1)),
    x: () => {
      const task = current();
      if (!task) return;
      const completed = task.status !== 'completed';
      deps.tasks.setCompleted(task.id, completed).catch((err: unknown) => {
        const why = err instanceof Error ? err.message : String(err);
        deps.onError(`Could not ${completed ? 'complete' : 'reopen'} “${task.title}”: ${why}`);
      });
    },
    e: () => {
      const task = current();
      if (task) deps.openTask(task.id);
    },
    '?': () => setHelpOpen(true),
  });

  return {
    selected,
    select: (id: string) => setSelected(id),
    helpOpen,
    openHelp: () => setHelpOpen(true),
    closeHelp: () => setHelpOpen(false),
  };
}
