import { describeRule } from '../domain/recurrence';
import type { TaskView } from '../domain/task';
import { formatInZone } from '../domain/time';

export function when(due: string | null, timeZone: string): string {
  return due ? formatInZone(new Date(due), timeZone) : 'no due date';
}

function reminderText(task: TaskView): string {
  if (task.reminders.length === 0) return '';
  const parts = task.reminders.map((r) => {
    const m = r.minutesBefore;
    if (m === 0) return 'at the due time';
    if (m % 1440 === 0) return `${m / 1440} day${m === 1440 ? '' : 's'} before`;
    if (m % 60 === 0) return `${m / 60} hour${m === 60 ? '' : 's'} before`;
    return `${m} minutes before`;
  });
  return `, with a reminder ${parts.join(' and ')}`;
}

export function created(task: TaskView, timeZone: string): string {
  const due = task.due ? ` for ${when(task.due, timeZone)}` : '';
  const repeat = task.recurrence ? ` (repeats ${describeRule(task.recurrence)})` : '';
  const extras = [
    task.priority === 'high' ? 'high priority' : '',
    task.tags.length ? task.tags.map((t) => `#${t}`).join(' ') : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `Added “${task.title}”${due}${repeat}${reminderText(task)}${extras ? ` — ${extras}` : ''}.`;
}

export function completed(task: TaskView): string {
  const next = task.recurrence ? ' The next one is on your list.' : '';
  return `Marked “${task.title}” as done. Nice work!${next}`;
}

export function updated(task: TaskView, fields: string[], timeZone: string): string {
  if (fields.length === 1 && fields[0] === 'due')
    return `Moved “${task.title}” to ${when(task.due, timeZone)}.`;
  if (fields.length === 1 && fields[0] === 'title') return `Renamed it to “${task.title}”.`;
  const labels: Record<string, string> = {
    due: `due ${when(task.due, timeZone)}`,
    priority: `priority ${task.priority ?? 'none'}`,
    tags: task.tags.length ? `tags ${task.tags.map((t) => `#${t}`).join(' ')}` : 'no tags',
    reminders: task.reminders.length
      ? `reminders${reminderText(task).replace(/^, with a reminder/, '')}`
      : 'no reminders',
    title: `title “${task.title}”`,
    description: 'the note',
    recurrence: task.recurrence ? `repeats ${describeRule(task.recurrence)}` : 'no longer repeats',
  };
  return `Updated “${task.title}”: ${fields.map((f) => labels[f] ?? f).join(', ')}.`;
}

export function deleted(task: TaskView): string {
  return `Deleted “${task.title}”. It stays in the trash for 30 days if you change your mind.`;
}

export function list(tasks: TaskView[], timeZone: string, heading: string): string {
  if (tasks.length === 0) return `${heading}: nothing right now.`;
  const shown = tasks
    .slice(0, 15)
    .map(
      (t) =>
        `• ${t.title}${t.due ? ` — ${when(t.due, timeZone)}` : ''}${t.status === 'completed' ? ' (done)' : ''}`,
    );
  const more = tasks.length > 15 ? `\n…and ${tasks.length - 15} more.` : '';
  return `${heading} (${tasks.length}):\n${shown.join('\n')}${more}`;
}

export const HELP =
  'I can keep your to-do list for you. Try “Call mom Sunday at 3pm, remind me 15 minutes before”, ' +
  '“Mark call mom as done”, “Move the report to Monday”, “What’s due today?” or “What did I finish yesterday?”.';

const CANNOT: Record<string, string> = {
  alarms: 'set alarms or timers',
  music: 'play music or audio',
  weather: 'check the weather',
  recipes: 'look up recipes',
  home: 'control things at home',
  messages: 'send or read messages',
  news: 'read the news',
  restaurants: 'book or order from restaurants',
  shopping: 'shop or order things',
  travel: 'book rides or check travel',
  time: 'answer date and time questions',
};

const CAN =
  'I look after your to-do list: adding tasks with due dates, reminders and repeats, moving, finishing and deleting them, and telling you what’s on it.';

/**
 * A request for another service: what Taskwire can do instead, and a to-do to offer when one is
 * plausible ("Want me to add “Find a lasagna recipe” to your list?"). Nothing is added without a yes.
 */
export function outOfScope(
  text: string,
  topic: string | undefined,
  offer: { title?: string; due?: string } | undefined,
  timeZone: string,
): string {
  const greeting = smallTalkOnly(text);
  if (greeting) return greeting;
  const cannot = topic && CANNOT[topic] ? `I can’t ${CANNOT[topic]}.` : 'That’s outside what I can do.';
  if (offer?.title && topic === 'alarms' && offer.due)
    return `${cannot} ${CAN} I can remind you ${when(offer.due, timeZone)} instead — want that?`;
  if (offer?.title) return `${cannot} ${CAN} Want me to add “${offer.title}” to your list?`;
  return `${cannot} ${CAN}`;
}

function smallTalkOnly(text: string): string | undefined {
  const t = text.trim().toLowerCase();
  if (/^(hi|hello|hey|good (morning|afternoon|evening)|yo)\b/.test(t)) return `Hi! ${HELP}`;
  if (/\b(thanks|thank you|thx|cheers)\b/.test(t)) return 'You’re welcome! Anything else on your mind?';
  return undefined;
}

/** Replies to messages that ask for nothing on the list; they never change anything. */
export function smallTalk(text: string, flagged: boolean): string {
  if (flagged) {
    return (
      'I only manage your tasks, and I don’t follow instructions written inside messages, so I haven’t changed anything. ' +
      HELP
    );
  }
  const t = text.trim().toLowerCase();
  if (/^(hi|hello|hey|good (morning|afternoon|evening)|yo)\b/.test(t)) return `Hi! ${HELP}`;
  if (/\b(thanks|thank you|thx|cheers)\b/.test(t)) return 'You’re welcome! Anything else on your mind?';
  if (/\b(help|what can you do|how does this work)\b/.test(t)) return HELP;
  if (/\b(bye|goodbye|see you)\b/.test(t)) return 'Bye for now — your tasks will be here.';
  return `I’m not sure that’s about your tasks; if it’s something to do, say “add …” and I’ll put it on your list. ${HELP}`;
}
