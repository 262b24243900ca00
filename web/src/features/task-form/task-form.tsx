import { createUniqueId, For, type JSX, Show } from 'solid-js';
import type { SetStoreFunction } from 'solid-js/store';
import type { Frequency, Priority, Weekday } from '../../api/types';
import type { ReminderUnit, TaskDraft } from '../../lib/task-draft';
import { WEEKDAYS } from '../../lib/weekdays';

export const FORM_FIELDS = [
  'title',
  'description',
  'due',
  'timezone',
  'priority',
  'tags',
  'reminders',
  'recurrence',
  'recurrenceMode',
] as const;

export interface TaskFormProps {
  draft: TaskDraft;
  setDraft: SetStoreFunction<TaskDraft>;
  errors: Record<string, string>;
  /** Messages that belong to no single field. */
  formErrors: string[];
  zones: string[];
  submitLabel: string;
  busy: boolean;
  onSubmit: () => void;
  onCancel: () => void;
  /** Repeat rules can only change for a whole series ("this and future"). */
  recurrenceLocked?: string;
  /** Above the fields: the series scope choice. */
  header?: JSX.Element;
  /** Above the buttons: a conflict notice. */
  extra?: JSX.Element;
  /** A field was edited, so its old error message no longer applies. */
  onEdited?: (field: string) => void;
  /** New tasks start in the title; an opened task does not pop up the keyboard. */
  autofocusTitle?: boolean;
}

function FieldError(props: { id: string; message?: string }) {
  return (
    <Show when={props.message}>
      <p id={props.id} class="field-error">
        {props.message}
      </p>
    </Show>
  );
}

const FREQUENCIES: { value: '' | Frequency; label: string; unit: string }[] = [
  { value: '', label: 'Does not repeat', unit: '' },
  { value: 'daily', label: 'Daily', unit: 'days' },
  { value: 'weekly', label: 'Weekly', unit: 'weeks' },
  { value: 'monthly', label: 'Monthly', unit: 'months' },
  { value: 'yearly', label: 'Yearly', unit: 'years' },
];

/** Every task field, for creating and for editing. */
export function TaskForm(props: TaskFormProps) {
  const uid = createUniqueId();
  const id = (name: string) => `${uid}-${name}`;
  const errorId = (name: string) => `${uid}-${name}-error`;
  const invalid = (name: string) => (props.errors[name] ? true : undefined);
  const describedBy = (name: string) => (props.errors[name] ? errorId(name) : undefined);
  const edited = (target: EventTarget | null) => {
    const field = (target as HTMLElement | null)?.closest<HTMLElement>('[data-field]')?.dataset.field;
    if (field && props.errors[field]) props.onEdited?.(field);
  };
  const unit = () => FREQUENCIES.find((f) => f.value === props.draft.frequency)?.unit ?? '';
  const toggleWeekday = (code: Weekday, on: boolean) =>
    props.setDraft('byWeekday', (days) => (on ? [...days, code] : days.filter((d) => d !== code)));

  return (
    <form
      class="task-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        props.onSubmit();
      }}
      onInput={(event) => edited(event.target)}
      onChange={(event) => edited(event.target)}
    >
      {props.header}

      <Show when={props.formErrors.length > 0}>
        <div class="alert" role="alert">
          <For each={props.formErrors}>{(message) => <p>{message}</p>}</For>
        </div>
      </Show>

      <div class="field" data-field="title">
        <label for={id('title')}>Title</label>
        <input
          id={id('title')}
          type="text"
          data-autofocus={props.autofocusTitle ? '' : undefined}
          aria-required="true"
          aria-invalid={invalid('title')}
          aria-describedby={describedBy('title')}
          value={props.draft.title}
          onInput={(e) => props.setDraft('title', e.currentTarget.value)}
        />
        <FieldError id={errorId('title')} message={props.errors.title} />
      </div>

      <div class="field" data-field="description">
        <label for={id('description')}>Notes</label>
        <textarea
          id={id('description')}
          rows={3}
          aria-invalid={invalid('description')}
          aria-describedby={describedBy('description')}
          value={props.draft.description}
          onInput={(e) => props.setDraft('description', e.currentTarget.value)}
        />
        <FieldError id={errorId('description')} message={props.errors.description} />
      </div>

      <div class="field-row">
        <div class="field" data-field="due">
          <label for={id('due')}>Due</label>
          <input
            id={id('due')}
            type="datetime-local"
            aria-invalid={invalid('due')}
            aria-describedby={describedBy('due')}
            value={props.draft.due}
            onInput={(e) => props.setDraft('due', e.currentTarget.value)}
          />
          <FieldError id={errorId('due')} message={props.errors.due} />
        </div>
        <div class="field" data-field="timezone">
          <label for={id('timezone')}>Time zone</label>
          <input
            id={id('timezone')}
            type="text"
            list={id('zones')}
            autocomplete="off"
            aria-invalid={invalid('timezone')}
            aria-describedby={describedBy('timezone')}
            value={props.draft.timezone}
            onChange={(e) => props.setDraft('timezone', e.currentTarget.value.trim())}
          />
          <datalist id={id('zones')}>
            <For each={props.zones}>{(z) => <option value={z} />}</For>
          </datalist>
          <FieldError id={errorId('timezone')} message={props.errors.timezone} />
        </div>
      </div>

      <div class="field-row">
        <div class="field" data-field="priority">
          <label for={id('priority')}>Priority</label>
          <select
            id={id('priority')}
            aria-invalid={invalid('priority')}
            aria-describedby={describedBy('priority')}
            value={props.draft.priority}
            onChange={(e) => props.setDraft('priority', e.currentTarget.value as '' | Priority)}
          >
            <option value="">None</option>
            <option value="high">High</option>
            <option value="medium">Medium</option>
            <option value="low">Low</option>
          </select>
          <FieldError id={errorId('priority')} message={props.errors.priority} />
        </div>
        <div class="field" data-field="tags">
          <label for={id('tags')}>Tags</label>
          <input
            id={id('tags')}
            type="text"
            placeholder="work, home"
            aria-invalid={invalid('tags')}
            aria-describedby={describedBy('tags')}
            value={props.draft.tags}
            onInput={(e) => props.setDraft('tags', e.currentTarget.value)}
          />
          <FieldError id={errorId('tags')} message={props.errors.tags} />
        </div>
      </div>

      <fieldset
        class="field-group"
        data-field="reminders"
        aria-invalid={invalid('reminders')}
        aria-describedby={describedBy('reminders')}
      >
        <legend>Reminders</legend>
        <For each={props.draft.reminders}>
          {(reminder, index) => (
            <div class="reminder-row">
              <input
                type="number"
                min="0"
                inputMode="numeric"
                aria-label={`Reminder ${index() + 1}: how long before`}
                value={reminder.amount}
                onInput={(e) => props.setDraft('reminders', index(), 'amount', e.currentTarget.value)}
              />
              <select
                aria-label={`Reminder ${index() + 1}: unit`}
                value={reminder.unit}
                onChange={(e) =>
                  props.setDraft('reminders', index(), 'unit', e.currentTarget.value as ReminderUnit)
                }
              >
                <option value="min">minutes before</option>
                <option value="h">hours before</option>
                <option value="d">days before</option>
              </select>
              <select
                aria-label={`Reminder ${index() + 1}: channel`}
                value={reminder.channel}
                onChange={(e) =>
                  props.setDraft(
                    'reminders',
                    index(),
                    'channel',
                    e.currentTarget.value as TaskDraft['reminders'][number]['channel'],
                  )
                }
              >
                <option value="">default channel</option>
                <option value="in-app">in the app</option>
                <option value="email">by email</option>
              </select>
              <button
                type="button"
                class="icon-button"
                aria-label={`Remove reminder ${index() + 1}`}
                onClick={() => props.setDraft('reminders', (list) => list.filter((_, i) => i !== index()))}
              >
                ×
              </button>
            </div>
          )}
        </For>
        <button
          type="button"
          class="link-button"
          onClick={() =>
            props.setDraft('reminders', (list) => [...list, { amount: '15', unit: 'min', channel: '' }])
          }
        >
          + Add reminder
        </button>
        <FieldError id={errorId('reminders')} message={props.errors.reminders} />
      </fieldset>

      <fieldset
        class="field-group"
        data-field="recurrence"
        disabled={!!props.recurrenceLocked}
        aria-invalid={invalid('recurrence')}
        aria-describedby={describedBy('recurrence')}
      >
        <legend>Repeat</legend>
        <Show when={props.recurrenceLocked}>
          <p class="hint">{props.recurrenceLocked}</p>
        </Show>
        <div class="field-row">
          <div class="field">
            <label for={id('frequency')}>Repeats</label>
            <select
              id={id('frequency')}
              value={props.draft.frequency}
              onChange={(e) => props.setDraft('frequency', e.currentTarget.value as '' | Frequency)}
            >
              <For each={FREQUENCIES}>{(f) => <option value={f.value}>{f.label}</option>}</For>
            </select>
          </div>
          <Show when={props.draft.frequency}>
            <div class="field">
              <label for={id('interval')}>Every how many {unit()}</label>
              <input
                id={id('interval')}
                type="number"
                min="1"
                inputMode="numeric"
                value={props.draft.interval}
                onInput={(e) => props.setDraft('interval', e.currentTarget.value)}
              />
            </div>
          </Show>
        </div>
        <Show when={props.draft.frequency === 'weekly'}>
          <fieldset class="weekdays">
            <legend>On</legend>
            <For each={WEEKDAYS}>
              {(day) => (
                <label class="weekday">
                  <input
                    type="checkbox"
                    checked={props.draft.byWeekday.includes(day.code)}
                    onChange={(e) => toggleWeekday(day.code, e.currentTarget.checked)}
                  />
                  <span aria-hidden="true">{day.short}</span>
                  <span class="visually-hidden">{day.long}</span>
                </label>
              )}
            </For>
          </fieldset>
        </Show>
        <Show when={props.draft.frequency === 'monthly'}>
          <div class="field field-narrow">
            <label for={id('monthday')}>On day of month</label>
            <input
              id={id('monthday')}
              type="number"
              min="1"
              max="31"
              placeholder="same day"
              value={props.draft.byMonthDay}
              onInput={(e) => props.setDraft('byMonthDay', e.currentTarget.value)}
            />
          </div>
        </Show>
        <Show when={props.draft.frequency}>
          <fieldset class="radio-row">
            <legend>Ends</legend>
            <label>
              <input
                type="radio"
                name={id('ends')}
                checked={props.draft.ends === 'never'}
                onChange={() => props.setDraft('ends', 'never')}
              />
              Never
            </label>
            <label>
              <input
                type="radio"
                name={id('ends')}
                checked={props.draft.ends === 'until'}
                onChange={() => props.setDraft('ends', 'until')}
              />
              On
            </label>
            <input
              type="date"
              aria-label="Last date"
              disabled={props.draft.ends !== 'until'}
              value={props.draft.until}
              onInput={(e) => props.setDraft('until', e.currentTarget.value)}
            />
            <label>
              <input
                type="radio"
                name={id('ends')}
                checked={props.draft.ends === 'count'}
                onChange={() => props.setDraft('ends', 'count')}
              />
              After
            </label>
            <input
              type="number"
              min="1"
              class="input-short"
              aria-label="Number of times"
              disabled={props.draft.ends !== 'count'}
              value={props.draft.count}
              onInput={(e) => props.setDraft('count', e.currentTarget.value)}
            />
            <span aria-hidden="true">times</span>
          </fieldset>
          <fieldset class="radio-row">
            <legend>Next one is due</legend>
            <label>
              <input
                type="radio"
                name={id('mode')}
                checked={props.draft.recurrenceMode === 'schedule'}
                onChange={() => props.setDraft('recurrenceMode', 'schedule')}
              />
              on schedule
            </label>
            <label>
              <input
                type="radio"
                name={id('mode')}
                checked={props.draft.recurrenceMode === 'completion'}
                onChange={() => props.setDraft('recurrenceMode', 'completion')}
              />
              counted from when I complete it
            </label>
          </fieldset>
        </Show>
        <FieldError
          id={errorId('recurrence')}
          message={props.errors.recurrence ?? props.errors.recurrenceMode}
        />
      </fieldset>

      {props.extra}

      <div class="form-actions">
        <button type="button" class="button button-quiet" onClick={() => props.onCancel()}>
          Cancel
        </button>
        <button type="submit" class="button button-primary" disabled={props.busy}>
          {props.busy ? 'Saving…' : props.submitLabel}
        </button>
      </div>
    </form>
  );
}
