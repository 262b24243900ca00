import { createSignal, createUniqueId, Show } from 'solid-js';
import { type Api, ApiError } from '../../api/client';
import type { Task, TaskInput } from '../../api/types';
import { UnderstoodChips } from '../../components/understood-chips';
import { taskFromParsed, withoutPart } from '../../lib/understood';
import { createLineParser } from '../../stores/line-parser';
import './quick-add.css';

export interface QuickAddProps {
  api: Pick<Api, 'createTask' | 'parse'>;
  timeZone: () => string;
  now: Date;
  onCreated: (task: Task) => void;
  /** How long typing must pause before the line is parsed (ms). */
  parseDelay?: number;
}

/**
 * One line that becomes a task: as it is typed, what the parser understood shows as chips;
 * removing a chip removes its words; Enter creates the task from the chips and the title left.
 */
export function QuickAdd(props: QuickAddProps) {
  const inputId = createUniqueId();
  const chipsId = createUniqueId();
  const [text, setText] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal('');
  const parser = createLineParser({
    api: props.api,
    mode: 'task',
    timeZone: props.timeZone,
    ...(props.parseDelay !== undefined ? { delay: props.parseDelay } : {}),
  });
  let input!: HTMLInputElement;

  const edit = (value: string) => {
    setText(value);
    setError('');
    parser.update(value);
  };

  const remove = (index: number) => {
    const reading = parser.parsed();
    if (!reading) return;
    const next = withoutPart(reading.text, reading.line, index);
    setText(next.text);
    parser.set(next.text, next.parsed);
    input.focus();
  };

  async function taskToCreate(): Promise<TaskInput | null> {
    const reading = await parser.flush();
    // No parser to ask (an older server, say): the line is the title.
    if (!reading) return { title: text().trim(), timezone: props.timeZone() };
    const built = taskFromParsed(reading.line);
    if ('error' in built) {
      setError(built.error);
      return null;
    }
    return built.input;
  }

  async function submit(): Promise<void> {
    if (!text().trim() || busy()) return;
    setBusy(true);
    try {
      const task = await taskToCreate();
      if (!task) return;
      const created = await props.api.createTask(task);
      setText('');
      parser.clear();
      props.onCreated(created);
    } catch (err) {
      const fields = err instanceof ApiError ? err.fieldErrors.map((f) => `${f.field}: ${f.message}`) : [];
      setError(
        fields.length ? fields.join('; ') : err instanceof Error ? err.message : 'Could not add the task',
      );
    } finally {
      setBusy(false);
    }
  }

  const title = () => parser.parsed()?.line.title;

  return (
    <form
      class="quick-add"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <div class="quick-add-row">
        <label class="visually-hidden" for={inputId}>
          Quick add
        </label>
        <input
          ref={input}
          id={inputId}
          type="text"
          class="quick-add-input"
          data-shortcut="quick-add"
          aria-keyshortcuts="q"
          autocomplete="off"
          placeholder="Quick add: call mom Sunday 3pm every week #family"
          aria-describedby={chipsId}
          aria-invalid={error() ? true : undefined}
          value={text()}
          onInput={(event) => edit(event.currentTarget.value)}
        />
        <button type="submit" class="button button-primary" disabled={busy() || !text().trim()}>
          {busy() ? 'Adding…' : 'Add'}
        </button>
      </div>
      <div id={chipsId}>
        <Show when={title()}>
          <p class="quick-add-title">
            Adds <strong>{title()}</strong>
          </p>
        </Show>
        <UnderstoodChips
          parts={parser.parsed()?.line.parts ?? []}
          now={props.now}
          timeZone={parser.parsed()?.line.timezone ?? props.timeZone()}
          onRemove={remove}
        />
      </div>
      <Show when={error()}>
        <p class="field-error" role="alert">
          {error()}
        </p>
      </Show>
    </form>
  );
}
