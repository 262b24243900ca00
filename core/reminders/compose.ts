import { formatInZone } from '../domain/time';

export interface FiredItem {
  taskId: string;
  title: string;
  dueAt: string;
}

export interface Composed {
  kind: 'reminder' | 'digest';
  title: string;
  body: string;
  subject: string;
  text: string;
  html: string;
}

export const DIGEST_LIST_MAX = 10;

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** "in 15 minutes", "2 hours ago", "now". */
export function relative(target: Date, now: Date): string {
  const diff = target.getTime() - now.getTime();
  const abs = Math.abs(diff);
  const [n, unit] =
    abs < 45_000
      ? [0, '']
      : abs < 90 * 60_000
        ? [Math.round(abs / 60_000), 'minute']
        : abs < 36 * 3_600_000
          ? [Math.round(abs / 3_600_000), 'hour']
          : [Math.round(abs / 86_400_000), 'day'];
  if (n === 0) return 'now';
  const phrase = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return diff > 0 ? `in ${phrase}` : `${phrase} ago`;
}

/**
 * The text of a reminder, or of a digest when several are due together: at most ten listed, then
 * "and N more". Times are shown in the person's zone; the link opens the app.
 */
export function composeReminder(
  items: FiredItem[],
  opts: { timeZone: string; now: Date; publicUrl: string },
): Composed {
  const when = (i: FiredItem) => formatInZone(new Date(i.dueAt), opts.timeZone);
  const link = (i: FiredItem) => `${opts.publicUrl}/?task=${encodeURIComponent(i.taskId)}`;
  if (items.length === 1) {
    const item = items[0]!;
    const due = `due ${when(item)} (${relative(new Date(item.dueAt), opts.now)})`;
    return {
      kind: 'reminder',
      title: item.title,
      body: `Due ${when(item)} (${relative(new Date(item.dueAt), opts.now)})`,
      subject: `Reminder: ${item.title} — ${due}`,
      text: `${item.title}\n${due}\n\nOpen Taskwire: ${link(item)}\n`,
      html: `<p><strong>${escapeHtml(item.title)}</strong><br>${escapeHtml(due)}</p><p><a href="${escapeHtml(link(item))}">Open in Taskwire</a></p>`,
    };
  }
  const listed = items.slice(0, DIGEST_LIST_MAX);
  const more = items.length - listed.length;
  const lines = listed.map((i) => `${i.title} — due ${when(i)}`);
  if (more > 0) lines.push(`and ${more} more`);
  const names = listed.slice(0, 3).map((i) => i.title);
  const rest = items.length - names.length;
  const subject = `${items.length} reminders: ${names.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
  return {
    kind: 'digest',
    title: `${items.length} reminders`,
    body: lines.join('\n'),
    subject,
    text: `${lines.map((l) => `• ${l}`).join('\n')}\n\nOpen Taskwire: ${opts.publicUrl}/\n`,
    html: `<ul>${listed
      .map(
        (i) =>
          `<li><a href="${escapeHtml(link(i))}">${escapeHtml(i.title)}</a> — due ${escapeHtml(when(i))}</li>`,
      )
      .join(
        '',
      )}</ul>${more > 0 ? `<p>and ${more} more</p>` : ''}<p><a href="${escapeHtml(opts.publicUrl)}/">Open Taskwire</a></p>`,
  };
}
