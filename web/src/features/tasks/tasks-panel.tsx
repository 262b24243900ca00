import { type JSX, Show } from 'solid-js';
import type { Task } from '../../api/types';
import type { TaskStore } from '../../stores/task-store';
import { TaskList } from './task-list';
import { TaskToolbar } from './task-toolbar';

export interface TasksPanelProps {
  tasks: TaskStore;
  now: () => Date;
  timeZone: () => string;
  onOpen: (task: Task) => void;
  onNewTask: () => void;
  onError: (message: string) => void;
  /** Above the toolbar: the one-line new task. */
  quickAdd?: JSX.Element;
  selectedId?: string | null;
  onSelect?: (id: string) => void;
}

/** Container: binds the task store to the toolbar and the list. */
export function TasksPanel(props: TasksPanelProps) {
  const toggle = (task: Task, completed: boolean) => {
    props.tasks.setCompleted(task.id, completed).catch((err: unknown) => {
      props.onError(
        `Could not ${completed ? 'complete' : 'reopen'} “${task.title}”: ${err instanceof Error ? err.message : err}`,
      );
    });
  };
  const empty = () => {
    const s = props.tasks.status;
    if (!s.loaded) return s.error ? '' : 'Loading tasks…';
    return props.tasks.filter().q || props.tasks.filter().status !== 'open'
      ? 'No tasks match.'
      : 'Nothing to do. Tell Taskwire what is on your mind, or add a task.';
  };

  return (
    <section class="panel tasks-panel" aria-labelledby="tasks-heading">
      <h2 id="tasks-heading" class="panel-title">
        Tasks
      </h2>
      {props.quickAdd}
      <TaskToolbar
        filter={props.tasks.filter()}
        knownTags={props.tasks.knownTags()}
        onChange={props.tasks.setFilter}
        onNewTask={props.onNewTask}
      />
      <Show when={props.tasks.status.error}>
        <p class="alert" role="alert">
          {props.tasks.status.error}{' '}
          <button type="button" class="link-button" onClick={() => void props.tasks.load()}>
            Try again
          </button>
        </p>
      </Show>
      <TaskList
        groups={props.tasks.groups()}
        now={props.now()}
        timeZone={props.timeZone()}
        onToggle={toggle}
        onOpen={props.onOpen}
        empty={empty()}
        selectedId={props.selectedId ?? null}
        onSelect={props.onSelect}
      />
    </section>
  );
}
