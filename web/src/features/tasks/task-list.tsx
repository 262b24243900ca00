import { For, Show } from 'solid-js';
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

  return (
    <ul ref={list} class="task-list" aria-label="Tasks">
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
