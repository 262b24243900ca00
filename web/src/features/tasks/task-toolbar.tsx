import { createSignal, createUniqueId, For, Show } from 'solid-js';
import type { Priority, Sort } from '../../api/types';
import { FilterIcon, PlusIcon, SearchIcon } from '../../components/icons';
import { DEFAULT_FILTER, type StatusFilter, type TaskFilter } from '../../lib/task-view';

const STATUSES: { value: StatusFilter; label: string }[] = [
  { value: 'open', label: 'To do + recently done' },
  { value: 'active', label: 'To do' },
  { value: 'completed', label: 'Completed' },
  { value: 'all', label: 'Everything' },
];

const SORTS: { value: Sort; label: string }[] = [
  { value: 'due', label: 'Due date' },
  { value: 'priority', label: 'Priority' },
  { value: 'title', label: 'Title' },
  { value: '-created', label: 'Newest' },
  { value: 'created', label: 'Oldest' },
  { value: 'updated', label: 'Recently changed' },
];

const PRIORITIES: Priority[] = ['high', 'medium', 'low'];

export interface TaskToolbarProps {
  filter: TaskFilter;
  knownTags: string[];
  onChange: (patch: Partial<TaskFilter>) => void;
  onNewTask: () => void;
}

/** Counts the filters that differ from the default view (search and sort aside). */
export function activeFilterCount(f: TaskFilter): number {
  return (
    Number(f.status !== DEFAULT_FILTER.status) +
    Number(f.priority.length > 0) +
    Number(f.tag.trim() !== '') +
    Number(f.dueFrom !== '' || f.dueTo !== '')
  );
}

export function TaskToolbar(props: TaskToolbarProps) {
  const [open, setOpen] = createSignal(false);
  const panelId = createUniqueId();
  const tagListId = createUniqueId();
  const count = () => activeFilterCount(props.filter);
  const togglePriority = (p: Priority) => {
    const has = props.filter.priority.includes(p);
    props.onChange({
      priority: has ? props.filter.priority.filter((x) => x !== p) : [...props.filter.priority, p],
    });
  };

  return (
    <div class="toolbar">
      <div class="toolbar-row">
        <label class="search">
          <SearchIcon />
          <span class="visually-hidden">Search tasks</span>
          <input
            type="search"
            data-shortcut="search"
            aria-keyshortcuts="/"
            placeholder="Search"
            value={props.filter.q}
            onInput={(e) => props.onChange({ q: e.currentTarget.value })}
          />
        </label>
        <select
          class="compact-select"
          aria-label="Sort by"
          value={props.filter.sort}
          onChange={(e) => props.onChange({ sort: e.currentTarget.value as Sort })}
        >
          <For each={SORTS}>{(s) => <option value={s.value}>{s.label}</option>}</For>
        </select>
        <button
          type="button"
          class="button button-quiet"
          aria-expanded={open()}
          aria-controls={panelId}
          onClick={() => setOpen(!open())}
        >
          <FilterIcon />
          <span>Filters</span>
          <Show when={count() > 0}>
            <span class="badge">{count()}</span>
          </Show>
        </button>
        <button type="button" class="button button-primary" onClick={() => props.onNewTask()}>
          <PlusIcon />
          <span>New task</span>
        </button>
      </div>
      <div id={panelId} class="filters" hidden={!open()}>
        <label class="field">
          <span>Show</span>
          <select
            value={props.filter.status}
            onChange={(e) => props.onChange({ status: e.currentTarget.value as StatusFilter })}
          >
            <For each={STATUSES}>{(s) => <option value={s.value}>{s.label}</option>}</For>
          </select>
        </label>
        <fieldset class="field">
          <legend>Priority</legend>
          <div class="segmented">
            <For each={PRIORITIES}>
              {(p) => (
                <button
                  type="button"
                  class="segment"
                  aria-pressed={props.filter.priority.includes(p)}
                  onClick={() => togglePriority(p)}
                >
                  {p}
                </button>
              )}
            </For>
          </div>
        </fieldset>
        <label class="field">
          <span>Tag</span>
          <input
            type="text"
            list={tagListId}
            placeholder="any"
            value={props.filter.tag}
            onChange={(e) => props.onChange({ tag: e.currentTarget.value })}
          />
          <datalist id={tagListId}>
            <For each={props.knownTags}>{(tag) => <option value={tag} />}</For>
          </datalist>
        </label>
        <label class="field">
          <span>Due from</span>
          <input
            type="date"
            value={props.filter.dueFrom}
            onChange={(e) => props.onChange({ dueFrom: e.currentTarget.value })}
          />
        </label>
        <label class="field">
          <span>Due until</span>
          <input
            type="date"
            value={props.filter.dueTo}
            onChange={(e) => props.onChange({ dueTo: e.currentTarget.value })}
          />
        </label>
        <button
          type="button"
          class="button button-quiet filters-clear"
          disabled={count() === 0}
          onClick={() =>
            props.onChange({
              status: DEFAULT_FILTER.status,
              priority: [],
              tag: '',
              dueFrom: '',
              dueTo: '',
            })
          }
        >
          Clear filters
        </button>
      </div>
    </div>
  );
}
