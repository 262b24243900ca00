import { For, Show } from 'solid-js';
import type { ParsedPart } from '../api/parse-types';
import { partKind, partLabel } from '../lib/understood';
import './understood-chips.css';

export interface UnderstoodChipsProps {
  parts: ParsedPart[];
  now: Date;
  timeZone: string;
  /** Remove the part at `index` (and its words). Parts without words of their own cannot be removed. */
  onRemove: (index: number) => void;
  /** For the input's aria-describedby. */
  id?: string;
}

/**
 * What the parser understood in the line being typed, one chip per part (date and time in the
 * user's zone, repeat, reminders, priority, each tag); × removes a part.
 */
export function UnderstoodChips(props: UnderstoodChipsProps) {
  return (
    <div class="understood" id={props.id} aria-live="polite">
      <Show when={props.parts.length > 0}>
        <ul class="understood-list" aria-label="Understood">
          <For each={props.parts}>
            {(part, index) => {
              const label = () => partLabel(part, props.now, props.timeZone);
              return (
                <li class={`chip understood-chip understood-${part.field}`} data-field={part.field}>
                  <span class="understood-kind">{partKind(part)}</span>
                  <span class="understood-value">{label()}</span>
                  <Show when={part.spans.length > 0}>
                    <button
                      type="button"
                      class="understood-remove"
                      aria-label={`Remove ${partKind(part)}: ${label()}`}
                      onClick={() => props.onRemove(index())}
                    >
                      ×
                    </button>
                  </Show>
                </li>
              );
            }}
          </For>
        </ul>
      </Show>
    </div>
  );
}
