import { createStore, produce } from 'solid-js/store';
import { type Api, ApiError } from '../api/client';
import type { AppNotification } from '../api/types';

const KEEP = 100;

/** The bell: notifications newest first and the unread count. */
export function createNotificationStore(deps: {
  api: Pick<Api, 'listNotifications' | 'readNotification' | 'readAllNotifications'>;
}) {
  const [state, setState] = createStore({
    items: [] as AppNotification[],
    unread: 0,
    /** False while the server does not offer notifications (404). */
    available: true,
  });

  async function load(): Promise<void> {
    try {
      const list = await deps.api.listNotifications();
      setState({ items: list.notifications.slice(0, KEEP), unread: list.unread, available: true });
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setState('available', false);
    }
  }

  /** Takes a notification from the stream; true when it is new to this tab. */
  function receive(notification: AppNotification): boolean {
    const index = state.items.findIndex((n) => n.id === notification.id);
    if (index >= 0) {
      const wasUnread = !state.items[index]!.readAt;
      setState(
        produce((s) => {
          s.items[index] = notification;
          if (wasUnread && notification.readAt) s.unread = Math.max(0, s.unread - 1);
        }),
      );
      return false;
    }
    setState(
      produce((s) => {
        s.items = [notification, ...s.items].slice(0, KEEP);
        if (!notification.readAt) s.unread += 1;
      }),
    );
    return true;
  }

  async function markRead(id: string): Promise<void> {
    const item = state.items.find((n) => n.id === id);
    if (!item || item.readAt) return;
    receive({ ...item, readAt: new Date().toISOString() });
    receive(await deps.api.readNotification(id));
  }

  async function markAllRead(): Promise<void> {
    const at = new Date().toISOString();
    setState(
      produce((s) => {
        for (const n of s.items) n.readAt ??= at;
        s.unread = 0;
      }),
    );
    await deps.api.readAllNotifications();
  }

  return { state, load, receive, markRead, markAllRead };
}

export type NotificationStore = ReturnType<typeof createNotificationStore>;
