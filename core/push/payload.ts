import { composeReminder, type FiredItem } from '../reminders/compose';
import { MAX_PLAINTEXT } from './crypto';

/**
 * What a push carries to the service worker (JSON, encrypted): enough to show the notification with
 * the app closed, and where a click should take the person.
 */
export interface PushMessage {
  title: string;
  body: string;
  /** The app's path to open on a click: the task, or the list for a digest. */
  url: string;
  /** A repeat of the same reminder replaces its notification instead of adding one. */
  tag: string;
  taskIds: string[];
  /** When the reminder fired (the notification's timestamp). */
  at: string;
}

const TITLE_MAX = 120;
/** Well inside one record (3993 bytes), leaving room for padding and JSON escapes. */
const MESSAGE_MAX = 3000;

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** The push for reminders that fired together: one reminder names its task and due time; several make a digest. */
export function pushMessage(
  items: (FiredItem & { reminderId: string })[],
  opts: { timeZone: string; now: Date; firedAt: string; tag: string },
): PushMessage {
  const short = items.map((i) => ({ ...i, title: cut(i.title, TITLE_MAX) }));
  const composed = composeReminder(short, { timeZone: opts.timeZone, now: opts.now, publicUrl: '' });
  const single = items.length === 1;
  const message: PushMessage = {
    title: composed.title,
    body: composed.body,
    url: single ? `/tasks/${encodeURIComponent(items[0]!.taskId)}` : '/',
    tag: opts.tag,
    taskIds: [...new Set(items.map((i) => i.taskId))].slice(0, 20),
    at: opts.firedAt,
  };
  // A digest's body is the longest part: trim it until the message fits.
  while (Buffer.byteLength(JSON.stringify(message)) > MESSAGE_MAX && message.body.length > 40) {
    message.body = cut(message.body, Math.floor(message.body.length * 0.8));
  }
  if (Buffer.byteLength(JSON.stringify(message)) > MAX_PLAINTEXT) throw new Error('push message too large');
  return message;
}
