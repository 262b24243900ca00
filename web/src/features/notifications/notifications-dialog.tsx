import { For, Show } from 'solid-js';
import type { AppNotification } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { relativePast } from '../../lib/time';

export interface NotificationsDialogProps {
  items: AppNotification[];
  unread: number;
  available: boolean;
  now: Date;
  timeZone: string;
  onOpen: (notification: AppNotification) => void;
  onReadAll: () => void;
  onClose: () => void;
}

const KIND_LABEL = { reminder: 'Reminder', digest: 'Digest', 'reminder-failed': 'Reminder not delivered' };

export function NotificationsDialog(props: NotificationsDialogProps) {
  return (
    <Dialog title="Notifications" onClose={props.onClose} size="small" placement="corner">
      <Show
        when={props.items.length > 0}
        fallback={
          <p class="empty-note">
            {props.available
              ? 'Nothing yet. Reminders show up here.'
              : 'Notifications are not available yet.'}
          </p>
        }
      >
        <div class="notifications-head">
          <span class="hint">{props.unread} unread</span>
          <button
            type="button"
            class="link-button"
            disabled={props.unread === 0}
            onClick={() => props.onReadAll()}
          >
            Mark all as read
          </button>
        </div>
        <ul class="plain-list notifications" aria-label="Notifications">
          <For each={props.items}>
            {(n) => (
              <li>
                <button
                  type="button"
                  class="notification"
                  classList={{ unread: !n.readAt, [`notification-${n.kind}`]: true }}
                  onClick={() => props.onOpen(n)}
                >
                  <span class="notification-kind">
                    {KIND_LABEL[n.kind] ?? n.kind}
                    <Show when={!n.readAt}>
                      <span class="visually-hidden"> (unread)</span>
                    </Show>
                  </span>
                  <span class="notification-title">{n.title}</span>
                  <Show when={n.body}>
                    <span class="notification-body">{n.body}</span>
                  </Show>
                  <span class="hint">{relativePast(new Date(n.createdAt), props.now, props.timeZone)}</span>
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </Dialog>
  );
}
