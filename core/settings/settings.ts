import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client';
import { settings } from '../db/schema';
import { ReminderChannel } from '../domain/task';
import { canonicalTimeZone, TimeZone } from '../domain/time';

/**
 * An email address, checked by zod's email pattern alone: the document states that pattern and no
 * `format: email`, whose readings differ between validators.
 */
const EmailAddress = z
  .string()
  .max(320)
  .regex(z.regexes.email, 'a valid email address')
  .meta({ description: 'An email address' });

export const SettingsView = z.object({
  timezone: z.string(),
  email: z.string().nullable(),
  defaultReminderChannel: ReminderChannel,
  updatedAt: z.iso.datetime({ offset: true }).nullable(),
});
export type SettingsView = z.infer<typeof SettingsView>;

export const SettingsInput = z
  .object({
    timezone: TimeZone.optional(),
    email: EmailAddress.nullable().optional(),
    defaultReminderChannel: ReminderChannel.optional(),
  })
  .strict();
export type SettingsInput = z.output<typeof SettingsInput>;

let machineZone: string | undefined;

/** The machine's zone: what a person running Taskwire at home most likely lives in. */
export function defaultTimeZone(): string {
  machineZone ??= canonicalTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone) ?? 'UTC';
  return machineZone;
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

/**
 * Settings read through a short-lived cache: every task creation needs the default zone, and a
 * round trip per request for a value that changes once a month is waste. Other processes see a
 * change within `ttlMs`.
 */
export class SettingsStore {
  #cached: { value: SettingsView; until: number } | undefined;
  /** The read under way, which callers arriving meanwhile share (one query when the cache expires). */
  #loading: Promise<SettingsView> | undefined;
  constructor(
    private readonly db: Db,
    private readonly ttlMs = 2000,
  ) {}

  /**
   * Inside a transaction pass it as `executor`: PGlite has one connection, and a query outside the
   * open transaction would wait for it forever.
   */
  async get(executor?: Db): Promise<SettingsView> {
    const now = Date.now();
    if (this.#cached && this.#cached.until > now) return this.#cached.value;
    // Inside a transaction the read must use it (see above): no sharing there.
    if (executor) return this.#remember(await getSettings(executor), now);
    this.#loading ??= getSettings(this.db)
      .then((value) => this.#remember(value, now))
      .finally(() => {
        this.#loading = undefined;
      });
    return this.#loading;
  }

  #remember(value: SettingsView, at: number): SettingsView {
    this.#cached = { value, until: at + this.ttlMs };
    return value;
  }

  async put(input: SettingsInput, at: Date): Promise<SettingsView> {
    const value = await putSettings(this.db, input, at);
    this.#cached = { value, until: Date.now() + this.ttlMs };
    return value;
  }
}
