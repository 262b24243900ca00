import { createEffect, createSignal, createUniqueId, For, on, Show } from 'solid-js';
import type { ParsedLine } from '../../api/parse-types';
import { SendIcon } from '../../components/icons';
import { UnderstoodChips } from '../../components/understood-chips';
import { relativeDue } from '../../lib/time';
import { withoutPart } from '../../lib/understood';
import type { ChatMessage } from '../../stores/chat-store';
import type { Parsed } from '../../stores/line-parser';

export const SUGGESTIONS = [
  'Call mom Sunday at 3pm, remind me 15 minutes before',
  'Buy milk tomorrow at 5pm',
  'Every Monday at 9am: plan the week',
  'What is due this week?',
];

export interface ChatViewProps {
  messages: ChatMessage[];
  pending: boolean;
  now: Date;
  timeZone: string;
  onSend: (text: string) => unknown;
  onStartOver?: () => void;
  suggestions?: string[];
  /** What the parser understood in a message being typed (shown when it is of the draft as it stands). */
  understood?: Parsed | null;
  /** The draft changed; with `reading` when a removed chip took its words out (no need to ask again). */
  onDraft?: (text: string, reading?: ParsedLine) => void;
}

/** The conversation and the message box; Enter sends, Shift+Enter starts a new line. */
export function ChatView(props: ChatViewProps) {
  const [draft, setDraft] = createSignal('');
  const chipsId = createUniqueId();
  let input!: HTMLTextAreaElement;
  let log!: HTMLDivElement;
  const edit = (text: string, reading?: ParsedLine) => {
    setDraft(text);
    props.onDraft?.(text, reading);
  };
  const understood = () => (props.understood?.text === draft() ? props.understood : null);
  // Removing a chip sends the message without that part's words.
  const remove = (index: number) => {
    const reading = understood();
    if (!reading) return;
    const next = withoutPart(reading.text, reading.line, index);
    edit(next.text, next.parsed);
    autoGrow();
    input.focus();
  };

  const autoGrow = () => {
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
  };
  const send = () => {
    const text = draft().trim();
    if (!text || props.pending) return;
    edit('');
    autoGrow();
    props.onSend(text);
  };
  const suggest = (text: string) => {
    edit(text);
    input.focus();
    autoGrow();
  };

  createEffect(
    on(
      () => [props.messages.length, props.pending],
      () => {
        if (props.messages.length > 0) log.scrollTop = log.scrollHeight;
      },
    ),
  );

  return (
    <div class="chat">
      <Show when={props.messages.length === 0}>
        <div class="chat-intro">
          <p>
            Tell Taskwire what needs doing, in your own words. It understands dates, reminders and repeats.
          </p>
          <ul class="suggestions" aria-label="Suggestions">
            <For each={props.suggestions ?? SUGGESTIONS}>
              {(s) => (
                <li>
                  <button type="button" class="suggestion" onClick={() => suggest(s)}>
                    {s}
                  </button>
                </li>
              )}
            </For>
          </ul>
        </div>
      </Show>
      <div ref={log} class="chat-log" role="log" aria-label="Conversation" aria-live="polite">
        <For each={props.messages}>
          {(m) => (
            <div class={`msg msg-${m.role}`}>
              <span class="visually-hidden">{m.role === 'user' ? 'You:' : 'Taskwire:'} </span>
              <Show when={m.question !== m.text}>
                <p class="msg-text">{m.text}</p>
              </Show>
              <Show when={m.question}>
                <p class="msg-question">
                  <span class="msg-question-label">Needs your answer</span>
                  {m.question}
                </p>
              </Show>
              <Show when={m.tasks?.length}>
                <ul class="msg-tasks" aria-label="Matching tasks">
                  <For each={m.tasks}>
                    {(t) => (
                      <li>
                        <span classList={{ 'msg-task-done': t.status === 'completed' }}>{t.title}</span>
                        <Show when={t.due}>
                          <span class="msg-task-due">
                            {relativeDue(new Date(t.due!), props.now, props.timeZone).text}
                          </span>
                        </Show>
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
              <Show when={m.retry}>
                <button type="button" class="link-button" onClick={() => props.onSend(m.retry!)}>
                  Send again
                </button>
              </Show>
            </div>
          )}
        </For>
        <Show when={props.pending}>
          <div class="msg msg-assistant msg-pending">
            <span class="typing" aria-hidden="true">
              <i />
              <i />
              <i />
            </span>
            <span class="visually-hidden">Taskwire is thinking…</span>
          </div>
        </Show>
      </div>
      <UnderstoodChips
        id={chipsId}
        parts={understood()?.line.parts ?? []}
        now={props.now}
        timeZone={understood()?.line.timezone ?? props.timeZone}
        onRemove={remove}
      />
      <form
        class="chat-form"
        onSubmit={(event) => {
          event.preventDefault();
          send();
        }}
      >
        <textarea
          ref={input}
          class="chat-input"
          rows={1}
          aria-label="Message"
          aria-describedby={chipsId}
          placeholder="e.g. Buy milk tomorrow at 5pm"
          value={draft()}
          onInput={(event) => {
            edit(event.currentTarget.value);
            autoGrow();
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              send();
            }
          }}
        />
        <button type="submit" class="icon-button send-button" aria-label="Send" disabled={!draft().trim()}>
          <SendIcon />
        </button>
      </form>
      <Show when={props.messages.length > 0 && props.onStartOver}>
        <button type="button" class="link-button chat-restart" onClick={() => props.onStartOver?.()}>
          Start a new conversation
        </button>
      </Show>
    </div>
  );
}
