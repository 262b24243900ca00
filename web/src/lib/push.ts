import type { Api } from '../api/client';
import type { Task } from '../api/types';

/** base64url (the server's VAPID key) → the bytes `pushManager.subscribe()` wants. */
export function base64UrlToBytes(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** True when a subscription was made with this key (a server with a new key needs a new one). */
export function madeWithKey(key: ArrayBuffer | null | undefined, serverKey: string): boolean {
  if (!key) return false;
  const a = new Uint8Array(key);
  const b = base64UrlToBytes(serverKey);
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

const hasReminders = (task: Pick<Task, 'reminders'> | undefined) => (task?.reminders?.length ?? 0) > 0;

/**
 * The API, noticing when this tab sets a reminder — through the task form, the editor or the
 * chat — so the app can offer push notifications at that moment rather than on load.
 */
export function watchReminders(api: Api, onReminderSet: () => void): Api {
  // Tasks the chat just created or changed: the app fetches them next (getTask), and then we know.
  const fromChat = new Set<string>();
  const check = (task: Task) => {
    if (hasReminders(task)) onReminderSet();
    return task;
  };
  return {
    ...api,
    createTask: (input) => api.createTask(input).then(check),
    updateTask: (id, patch, version) =>
      api.updateTask(id, patch, version).then((task) => (patch.reminders?.length ? check(task) : task)),
    updateSeries: (seriesId, patch) =>
      api.updateSeries(seriesId, patch).then((result) => {
        if (patch.reminders?.length) onReminderSet();
        return result;
      }),
    chat: (message, conversationId) =>
      api.chat(message, conversationId).then((reply) => {
        for (const op of reply.operations) {
          if ((op.intent === 'create' || op.intent === 'update') && op.taskId) fromChat.add(op.taskId);
        }
        return reply;
      }),
    getTask: (id) => api.getTask(id).then((task) => (fromChat.delete(id) ? check(task) : task)),
  };
}
