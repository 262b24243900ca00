import { createEffect, For, on, Show } from 'solid-js';
import type { Task } from '../../api/types';
import { GROUP_ORDER, type TaskGroup } from '../../lib/task-view';
import { TaskItem } from './task-item';

export interface TaskListProps {
  groups: TaskGroup[];
  now: Date;
  timeZone: string;
  onToggle: (task: Task, completed: boolean) => void;
  onOpen: (task: Task) => void;
  empty?: string;
  /** The task the keyboard selected (j/k); its row is marked and keeps the focus. */
  selectedId?: string | null;
  /** Focus entered a task's row: it becomes the selection, so j/k go on from there. */
  onSelect?: (id: string) => void;
}

/** One list named "Tasks"; group headings are presentational rows so every task stays a direct item. */
export function TaskList(props: TaskListProps) {
  let list!: HTMLUListElement;
  // A ticked task moves to another group (a new row); keep keyboard focus on its checkbox.
  const toggle = (task: Task, completed: boolean) => {
    const id = task.id;
    props.onToggle(task, completed);
    queueMicrotask(() => {
      if (list.contains(document.activeElement)) return;
      const row = [...list.querySelectorAll<HTMLElement>('li[data-task-id]')].find(
        (li) => li.dataset.taskId === id,
      );
      row?.querySelector<HTMLInputElement>('.task-check')?.focus();
    });
  };
  const group = (key: TaskGroup['key']) => props.groups.find((g) => g.key === key);
  const rowOf = (id: string) =>
    [...list.querySelectorAll<HTMLElement>('li[data-task-id]')].find((li) => li.dataset.taskId === id);
  // A newly selected task takes the focus, visibly; so does its row when it moves to another group
  // (completed), unless the focus went somewhere else meanwhile.
  createEffect(
    on([() => props.selectedId, () => props.groups], ([id]) => {
      if (!id) return;
      queueMicrotask(() => {
        const row = rowOf(id);
        const active = document.activeElement;
        if (!row || row.contains(active)) return;
        if (active && active !== document.body && !list.contains(active)) return;
        row.querySelector<HTMLElement>('.task-title')?.focus();
        row.scrollIntoView?.({ block: 'nearest' });
      });
    }),
  );

  return (
    <ul
      ref={list}
      class="task-list"
      aria-label="Tasks"
      onFocusIn={(event) => {
        const id = (event.target as HTMLElement).closest<HTMLElement>('li[data-task-id]')?.dataset.taskId;
        if (id && id !== props.selectedId) props.onSelect?.(id);
      }}
    >
      <For each={GROUP_ORDER}>
        {(key) => (
          <Show when={group(key)}>
            {(g) => (
              <>
                <li role="presentation" class={`group-heading group-${key}`}>
                  <h3>
                    {g().label} <span class="group-count">{g().tasks.length}</span>
                  </h3>
                </li>
                <For each={g().tasks}>
                  {(task) => (
                    <TaskItem
                      task={task}
                      now={props.now}
                      timeZone={props.timeZone}
                      onToggle={toggle}
                      onOpen={props.onOpen}
                      selected={props.selectedId === task.id}
                    />
                  )}
                </For>
              </>
            )}
          </Show>
        )}
      </For>
      <Show when={props.groups.length === 0 && props.empty}>
        <li role="presentation" class="task-empty">
          {props.empty}
        </li>
      </Show>
    </ul>
  );
}
