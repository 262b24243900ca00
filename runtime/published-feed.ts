/**
 * Every published event, in every instance: a live-update gateway on a bus that delivers each event
 * to one instance only (a Knative Trigger picks one pod) follows the outbox instead. Relays announce
 * the ids of the rows they stamp published on a PostgreSQL channel; each gateway listens, reads
 * those rows and hands their events to its connections. Per partition key the rows are stamped in
 * order, so they arrive in order; clients drop anything not newer than what they hold anyway.
 */
import postgres from 'postgres';
import type { Database } from '../core/db/client';
import type { TaskwireEvent } from '../core/events/define-event';
import type { Logger } from '../core/observability/logger';
import { PUBLISHED_CHANNEL } from '../core/outbox/outbox';

export interface PublishedFeedOptions {
  databaseUrl: string;
  database: Database;
  log: Logger;
  onEvent(event: TaskwireEvent): void;
  /** The listening connection was (re)established: what was announced meanwhile is unknown. */
  onGap(): void;
}

/** Starts following; resolves to a function that stops. */
export async function followPublished(opts: PublishedFeedOptions): Promise<() => Promise<void>> {
  const listener = postgres(opts.databaseUrl, {
    max: 1,
    onnotice: () => {},
    connection: { application_name: 'taskwire-published-feed' },
  });
  let first = true;
  // Notifications are read one after another, so events keep the order they were announced in.
  let reading: Promise<void> = Promise.resolve();
  const read = async (payload: string) => {
    const ids = payload.split(',').filter((id) => /^\d+$/.test(id));
    if (ids.length === 0) return;
    try {
      const rows = await opts.database.query<{ event: TaskwireEvent | string }>(
        'select event from outbox where id = any($1::bigint[]) order by id',
        [`{${ids.join(',')}}`],
      );
      for (const row of rows) {
        opts.onEvent(typeof row.event === 'string' ? (JSON.parse(row.event) as TaskwireEvent) : row.event);
      }
    } catch (err) {
      opts.log.warn({ err }, 'could not read announced events; clients will refetch');
      opts.onGap();
    }
  };
  await listener.listen(
    PUBLISHED_CHANNEL,
    (payload) => {
      reading = reading.then(() => read(payload));
    },
    () => {
      // Called on every (re)connection: after the first, announcements may have been missed.
      if (!first) opts.onGap();
      first = false;
    },
  );
  return async () => {
    await reading;
    await listener.end({ timeout: 2 });
  };
}
