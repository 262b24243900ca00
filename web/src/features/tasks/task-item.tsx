import { For, Show } from 'solid-js';
import type { Task } from '../../api/types';
import { BellIcon, NoteIcon, RepeatIcon } from '../../components/icons';
import { formatDayAndTime, formatFull, formatMinutes, relativeDue } from '../../lib/time';

export interface TaskItemProps {
  task: Task;
  now: Date;
  timeZone: string;
  onToggle: (task: Task, completed: boolean) => void;
  onOpen: (task: Task) => void;
}

/** The checkbox's name always holds the title, completed or not (the acceptance checks find it by title). */
export function checkboxLabel(task: Pick<Task, 'title' | 'status'>): string {
  return task.status === 'completed' ? `${task.title} (done)` : `Complete ${task.title}`;
}

export function TaskItem(props: TaskItemProps) {
  const done = () => props.task.status === 'completed';
  const due = () => (props.task.due ? new Date(props.task.due) : null);
  const label = () => {
    const d = due();
    if (!d) return null;
    return done()
      ? { text: formatDayAndTime(d, props.now, props.timeZone), overdue: false }
      : relativeDue(d, props.now, props.timeZone);
  };
  const reminderText = () =>
    props.task.reminders.map((r) => `${formatMinutes(r.minutesBefore)} before`).join(', ');

  return (
    <li
      class="task"
      data-task-id={props.task.id}
      classList={{ 'task-done': done(), 'task-overdue': !!label()?.overdue }}
    >
      <input
        type="checkbox"
        class="task-check"
        checked={done()}
        aria-label={checkboxLabel(props.task)}
        onChange={(event) => props.onToggle(props.task, event.currentTarget.checked)}
      />
      <div class="task-body">
        <button type="button" class="task-title" onClick={() => props.onOpen(props.task)}>
          {props.task.title}
        </button>
        <div class="task-meta">
          <Show when={label()}>
            {(l) => (
              <time
                class="chip chip-due"
                classList={{ 'chip-overdue': l().overdue }}
                dateTime={props.task.due ?? undefined}
                title={formatFull(due()!, props.timeZone)}
              >
                {l().text}
              </time>
            )}
          </Show>
          <Show when={props.task.priority}>
            {(p) => <span class={`chip chip-priority chip-${p()}`}>{p()}</span>}
          </Show>
          <For each={props.task.tags}>{(tag) => <span class="chip chip-tag">#{tag}</span>}</For>
          <Show when={props.task.recurrence}>
            {(rule) => (
              <span class="chip chip-plain" title="Repeats">
                <RepeatIcon />
                <span>{props.task.recurrenceSummary ?? rule().frequency}</span>
              </span>
            )}
          </Show>
          <Show when={props.task.reminders.length > 0}>
            <span class="chip chip-plain" title={`Reminders: ${reminderText()}`}>
              <BellIcon size={13} /> {props.task.reminders.length}
              <span class="visually-hidden"> reminders: {reminderText()}</span>
            </span>
          </Show>
          <Show when={props.task.description}>
            <span class="chip chip-plain" title="Has notes">
              <NoteIcon />
              <span class="visually-hidden">Has notes</span>
            </span>
          </Show>
          <Show when={props.task.catchUp}>
            <span class="chip chip-warn" title="Generated late for a missed occurrence">
              missed
            </span>
          </Show>
        </div>
      </div>
    </li>
  );
}
