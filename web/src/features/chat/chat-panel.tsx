import type { ChatStore } from '../../stores/chat-store';
import { ChatView } from './chat-view';

/** Container: binds the chat store to the view. */
export function ChatPanel(props: { chat: ChatStore; now: () => Date; timeZone: () => string }) {
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
      />
    </section>
  );
}
