/** Dates shown in the user's time zone, with short relative labels ("in 2 h", "overdue by 1 day"). */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function cached(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = formatters.get(key);
  if (!f) {
    f = make();
    formatters.set(key, f);
  }
  return f;
}

/** The browser's zone, e.g. "Europe/Berlin" (UTC when the runtime cannot tell). */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** A zone Intl can format in, else UTC: display only never fails (the server validates zone names). */
function safeZone(zone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
}

export function zonedParts(date: Date, zone: string): ZonedParts {
  const tz = safeZone(zone);
  const f = cached(
    `parts:${tz}`,
    () =>
      new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        hourCycle: 'h23',
      }),
  );
  const out: Record<string, number> = {};
  for (const part of f.formatToParts(date)) {
    if (part.type !== 'literal') out[part.type] = Number(part.value);
  }
  return {
    year: out.year ?? 1970,
    month: out.month ?? 1,
    day: out.day ?? 1,
    hour: (out.hour ?? 0) % 24,
    minute: out.minute ?? 0,
    second: out.second ?? 0,
  };
}

/** A count of calendar days for the date as it reads in `zone`: equal numbers mean the same local day. */
export function localDayNumber(date: Date, zone: string): number {
  const p = zonedParts(date, zone);
  return Math.floor(Date.UTC(p.year, p.month - 1, p.day) / DAY);
}

/** How far the zone's wall clock runs ahead of UTC at `date`, in ms. */
export function zoneOffset(date: Date, zone: string): number {
  const p = zonedParts(date, zone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(date.getTime() / 1000) * 1000;
}

const WALL_RE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/;

/** "2030-01-02T17:00" (or a bare date) read as a wall-clock time in `zone`; null when malformed. */
export function wallClockToInstant(wall: string, zone: string): Date | null {
  const m = WALL_RE.exec(wall);
  if (!m) return null;
  const [y, mo, d, h, mi] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0'].map(Number) as number[];
  const asUtc = Date.UTC(y!, mo! - 1, d!, h!, mi!);
  // Two passes settle the offset even right next to a daylight-saving switch.
  let guess = asUtc - zoneOffset(new Date(asUtc), zone);
  guess = asUtc - zoneOffset(new Date(guess), zone);
  return new Date(guess);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The inverse of wallClockToInstant: the value a `datetime-local` input expects. */
export function instantToWallClock(instant: string | Date, zone: string): string {
  const p = zonedParts(new Date(instant), zone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

export function formatClock(date: Date, zone: string): string {
  const p = zonedParts(date, zone);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** "today 17:00", "tomorrow 17:00", "Fri 17:00", "Jan 2, 17:00" or "Jan 2, 2031, 17:00". */
export function formatDayAndTime(date: Date, now: Date, zone: string): string {
  const days = localDayNumber(date, zone) - localDayNumber(now, zone);
  const clock = formatClock(date, zone);
  if (days === 0) return `today ${clock}`;
  if (days === 1) return `tomorrow ${clock}`;
  if (days === -1) return `yesterday ${clock}`;
  const p = zonedParts(date, zone);
  if (days > 1 && days < 7) {
    const weekday = new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();
    return `${WEEKDAYS[weekday]} ${clock}`;
  }
  const sameYear = p.year === zonedParts(now, zone).year;
  return `${MONTHS[p.month - 1]} ${p.day}${sameYear ? '' : `, ${p.year}`}, ${clock}`;
}

/** The full date for tooltips: "Wed, Jan 2, 2030, 17:00 (Europe/Berlin)". */
export function formatFull(date: Date, zone: string): string {
  const p = zonedParts(date, zone);
  const weekday = new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();
  return `${WEEKDAYS[weekday]}, ${MONTHS[p.month - 1]} ${p.day}, ${p.year}, ${formatClock(date, zone)} (${zone})`;
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

export interface DueLabel {
  text: string;
  overdue: boolean;
}

/** A due time relative to `now`: "in 25 min", "in 2 h", "tomorrow 17:00", "overdue by 1 day". */
export function relativeDue(due: Date, now: Date, zone: string): DueLabel {
  const diff = due.getTime() - now.getTime();
  if (diff < 0) {
    const ago = -diff;
    if (ago < MINUTE) return { text: 'due now', overdue: false };
    if (ago < HOUR) return { text: `overdue by ${Math.floor(ago / MINUTE)} min`, overdue: true };
    if (ago < DAY) return { text: `overdue by ${Math.floor(ago / HOUR)} h`, overdue: true };
    return { text: `overdue by ${plural(Math.floor(ago / DAY), 'day')}`, overdue: true };
  }
  if (diff < MINUTE) return { text: 'due now', overdue: false };
  if (diff < HOUR) return { text: `in ${Math.max(1, Math.round(diff / MINUTE))} min`, overdue: false };
  const sameDay = localDayNumber(due, zone) === localDayNumber(now, zone);
  if (sameDay && diff < 6 * HOUR) return { text: `in ${Math.round(diff / HOUR)} h`, overdue: false };
  return { text: formatDayAndTime(due, now, zone), overdue: false };
}

/** How long ago something happened: "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago". */
export function relativePast(date: Date, now: Date, zone: string): string {
  const ago = now.getTime() - date.getTime();
  if (ago < MINUTE) return 'just now';
  if (ago < HOUR) return `${Math.floor(ago / MINUTE)} min ago`;
  if (ago < 12 * HOUR) return `${Math.floor(ago / HOUR)} h ago`;
  const days = localDayNumber(now, zone) - localDayNumber(date, zone);
  if (days <= 0) return `today ${formatClock(date, zone)}`;
  if (days === 1) return `yesterday ${formatClock(date, zone)}`;
  if (days < 7) return `${days} days ago`;
  return formatDayAndTime(date, now, zone);
}

/** "15 min", "1 h", "1 h 30 min", "2 days" — for reminder offsets. */
export function formatMinutes(total: number): string {
  if (total === 0) return 'at due time';
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const minutes = total % 60;
  const parts: string[] = [];
  if (days) parts.push(plural(days, 'day'));
  if (hours) parts.push(`${hours} h`);
  if (minutes) parts.push(`${minutes} min`);
  return parts.join(' ');
}
