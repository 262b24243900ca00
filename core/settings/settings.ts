import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client';
import { settings } from '../db/schema';
import { ReminderChannel } from '../domain/task';
import { canonicalTimeZone, TimeZone } from '../domain/time';

export const SettingsView = z.object({
  timezone: z.string(),
  email: z.email().nullable(),
  defaultReminderChannel: ReminderChannel,
  updatedAt: z.iso.datetime({ offset: true }).nullable(),
});
export type SettingsView = z.infer<typeof SettingsView>;

export const SettingsInput = z
  .object({
    timezone: TimeZone.optional(),
    email: z.email('a valid email address').max(320).nullable().optional(),
    defaultReminderChannel: ReminderChannel.optional(),
  })
  .strict();
export type SettingsInput = z.output<typeof SettingsInput>;

/** The machine's zone: what a person running Taskwire at home most likely lives in. */
export function defaultTimeZone(): string {
  return canonicalTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone) ?? 'UTC';
}

const ROW_ID = 'default';

export async function getSettings(db: Db): Promise<SettingsView> {
  const [row] = await db.select().from(settings).where(eq(settings.id, ROW_ID));
  if (!row)
    return { timezone: defaultTimeZone(), email: null, defaultReminderChannel: 'in-app', updatedAt: null };
  return {
    timezone: row.timezone,
    email: row.email,
    defaultReminderChannel: row.defaultReminderChannel as SettingsView['defaultReminderChannel'],
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function putSettings(db: Db, input: SettingsInput, now: Date): Promise<SettingsView> {
  const current = await getSettings(db);
  const next = {
    timezone: input.timezone ?? current.timezone,
    email: input.email === undefined ? current.email : input.email,
    defaultReminderChannel: input.defaultReminderChannel ?? current.defaultReminderChannel,
  };
  await db
    .insert(settings)
    .values({ id: ROW_ID, ...next, updatedAt: now })
    .onConflictDoUpdate({ target: settings.id, set: { ...next, updatedAt: now } });
  return { ...next, updatedAt: now.toISOString() };
}
