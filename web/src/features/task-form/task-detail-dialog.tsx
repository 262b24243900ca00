import { createResource, createSignal, For, onMount, Show } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { type Api, ApiError } from '../../api/client';
import type { Task, TaskInput } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { draftFromTask, draftPatch, draftToInput, emptyDraft } from '../../lib/task-draft';
import { relativePast } from '../../lib/time';
import type { TaskStore } from '../../stores/task-store';
import { createFormErrors } from './form-errors';
import { FORM_FIELDS, TaskForm } from './task-form';

export interface TaskDetailDialogProps {
  id: string;
  api: Pick<Api, 'getTask' | 'updateTask' | 'updateSeries' | 'deleteTask' | 'audit'>;
  tasks: Pick<TaskStore, 'get' | 'receive' | 'refresh' | 'setCompleted' | 'forget'>;
  now: Date;
  timeZone: string;
  zones: string[];
  onClose: () => void;
  onDeleted: (task: Task) => void;
  onError: (message: string) => void;
}

function inputOf(task: Task): TaskInput {
  const result = draftToInput(draftFromTask(task));
  return 'input' in result ? result.input : { title: task.title };
}

/** Shows and edits one task: every field, "this one or this and future" for a series, history. */
export function TaskDetailDialog(props: TaskDetailDialogProps) {
  const [base, setBase] = createSignal<Task | null>(props.tasks.get(props.id) ?? null);
  const [missing, setMissing] = createSignal(false);
  const [draft, setDraft] = createStore(base() ? draftFromTask(base()!) : emptyDraft(props.timeZone));
  const [scope, setScope] = createSignal<'one' | 'series'>('one');
  const [busy, setBusy] = createSignal(false);
  const [conflict, setConflict] = createSignal(false);
  const [historyOpen, setHistoryOpen] = createSignal(false);
  const errors = createFormErrors(FORM_FIELDS);
  let root: HTMLDivElement | undefined;

  const current = () => props.tasks.get(props.id) ?? base();
  const changedElsewhere = () => {
    const b = base();
    const c = props.tasks.get(props.id);
    return !!b && !!c && c.version > b.version;
  };

  function startFrom(task: Task): void {
    setBase(task);
    setDraft(reconcile(draftFromTask(task)));
    setConflict(false);
    errors.clear();
  }

  async function reloadLatest(): Promise<void> {
    try {
      const task = await props.api.getTask(props.id);
      props.tasks.receive(task);
      startFrom(task);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setMissing(true);
      else errors.fromError(err);
    }
  }

  onMount(() => {
    if (!base()) void reloadLatest();
  });

  const [history] = createResource(historyOpen, async () => (await props.api.audit(props.id, 20)).entries);

  async function save(): Promise<void> {
    const task = base();
    if (!task) return;
    const result = draftToInput(draft);
    if ('errors' in result) {
      errors.show(result.errors);
      errors.focusFirst(root);
      return;
    }
    const wholeSeries = !!task.seriesId && scope() === 'series';
    const patch = draftPatch(inputOf(task), result.input, wholeSeries || !task.seriesId);
    if (Object.keys(patch).length === 0) {
      props.onClose();
      return;
    }
    setBusy(true);
    try {
      if (wholeSeries) {
        await props.api.updateSeries(task.seriesId!, patch);
        await props.tasks.refresh(task.id);
      } else {
        props.tasks.receive(await props.api.updateTask(task.id, patch, task.version));
      }
      props.onClose();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) setConflict(true);
      else {
        errors.fromError(err);
        errors.focusFirst(root);
      }
    } finally {
      setBusy(false);
    }
  }

  async function toggleDone(): Promise<void> {
    const task = current();
    if (!task) return;
    try {
      await props.tasks.setCompleted(task.id, task.status !== 'completed');
    } catch (err) {
      props.onError(err instanceof Error ? err.message : 'Could not change the task');
    }
  }

  async function remove(): Promise<void> {
    const task = current();
    if (!task) return;
    try {
      await props.api.deleteTask(task.id);
      props.tasks.forget(task.id);
      props.onDeleted(task);
    } catch (err) {
      props.onError(err instanceof Error ? err.message : 'Could not delete the task');
    }
  }

  const seriesChoice = () => (
    <Show when={base()?.seriesId}>
      <fieldset class="radio-row scope">
        <legend>This task repeats. Apply changes to</legend>
        <label>
          <input type="radio" name="scope" checked={scope() === 'one'} onChange={() => setScope('one')} />
          this one only
        </label>
        <label>
          <input
            type="radio"
            name="scope"
            checked={scope() === 'series'}
            onChange={() => setScope('series')}
          />
          this and future ones
        </label>
      </fieldset>
    </Show>
  );

  const notices = () => (
    <>
      <Show when={conflict() || changedElsewhere()}>
        <div class="notice" role="status">
          <p>
            {conflict()
              ? 'This task was changed elsewhere while you edited it, so your changes were not saved.'
              : 'This task has just been changed elsewhere.'}
          </p>
          <button type="button" class="link-button" onClick={() => void reloadLatest()}>
            Load the latest version
          </button>
        </div>
      </Show>
    </>
  );

  return (
    <Dialog
      title={base() ? 'Task' : missing() ? 'Task not found' : 'Loading…'}
      subtitle={
        <Show when={current()}>
          {(t) => (
            <>
              {t().status === 'completed' ? 'Completed' : 'To do'}
              <Show when={t().recurrence}>
                {(rule) => <> · repeats {t().recurrenceSummary ?? rule().frequency}</>}
              </Show>
              {' · '}created {relativePast(new Date(t().createdAt), props.now, props.timeZone)}
            </>
          )}
        </Show>
      }
      onClose={props.onClose}
      size="large"
    >
      <Show when={missing()}>
        <p>This task no longer exists, or it is in the trash.</p>
      </Show>
      <Show when={base()}>
        <div class="detail-actions">
          <button type="button" class="button" onClick={() => void toggleDone()}>
            {current()?.status === 'completed' ? 'Reopen' : 'Mark complete'}
          </button>
          <button type="button" class="button button-danger-quiet" onClick={() => void remove()}>
            Move to trash
          </button>
        </div>
        <div ref={root}>
          <TaskForm
            draft={draft}
            setDraft={setDraft}
            errors={errors.fields()}
            formErrors={errors.other()}
            zones={props.zones}
            submitLabel="Save changes"
            busy={busy()}
            onSubmit={() => void save()}
            onEdited={errors.clearField}
            onCancel={props.onClose}
            recurrenceLocked={
              base()?.seriesId && scope() === 'one'
                ? 'Repeat rules belong to the whole series: choose “this and future ones” to change them.'
                : undefined
            }
            header={seriesChoice()}
            extra={notices()}
          />
        </div>
        <details class="history" onToggle={(e) => setHistoryOpen(e.currentTarget.open)}>
          <summary>History</summary>
          <Show when={!history.loading} fallback={<p class="hint">Loading…</p>}>
            <Show when={!history.error} fallback={<p class="hint">History is not available.</p>}>
              <ol class="history-list">
                <For each={history() ?? []}>
                  {(entry) => (
                    <li>
                      <span class="history-action">{entry.action}</span>
                      <span class="hint">
                        {' '}
                        {relativePast(new Date(entry.at), props.now, props.timeZone)} · by {entry.actor}
                      </span>
                    </li>
                  )}
                </For>
              </ol>
            </Show>
          </Show>
        </details>
      </Show>
    </Dialog>
  );
}
