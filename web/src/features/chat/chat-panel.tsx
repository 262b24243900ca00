import type { Api } from '../../api/client';
import type { ChatStore } from '../../stores/chat-store';
import { createLineParser } from '../../stores/line-parser';
import { ChatView } from './chat-view';

/** Container: binds the chat store to the view, and the parser to the message being typed. */
export function ChatPanel(props: {
  chat: ChatStore;
  now: () => Date;
  timeZone: () => string;
  /** Asks what the parser understands in the draft; without it no chips are shown. */
  api?: Pick<Api, 'parse'>;
}) {
  const parser = props.api
    ? createLineParser({ api: props.api, mode: 'chat', timeZone: props.timeZone })
    : null;
  return (
    <section class="panel chat-panel" aria-labelledby="chat-heading">
      <h2 id="chat-heading" class="panel-title">
        Chat
      </h2>
      <ChatView
        messages={props.chat.state.messages}
        pending={props.chat.state.pending}
        now={props.now()}
        timeZone={props.timeZone()}
        onSend={(text) => props.chat.send(text)}
        onStartOver={props.chat.startOver}
        understood={parser?.parsed() ?? null}
        onDraft={(text, reading) => (reading ? parser?.set(text, reading) : parser?.update(text))}
      />
    </section>
  );
}
