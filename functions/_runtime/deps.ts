import type { Env } from '../../core/config/env';
import type { Database } from '../../core/db/client';
import type { Logger } from '../../core/observability/logger';
import type { Metrics } from '../../core/observability/metrics';
import type { OutboxWriter } from '../../core/outbox/writer';
import type { Clock } from '../../core/ports/clock';
import type { LiveStream } from '../../core/ports/live-stream';
import type { Mailer } from '../../core/ports/mail';
import type { StateStore } from '../../core/ports/state';

import type { SettingsStore } from '../../core/settings/settings';

/**
 * What every function may use, passed in (never imported as a singleton) so tests can swap any
 * part: PGlite or PostgreSQL, a manual clock, a silent logger.
 */
export interface Deps {
  env: Env;
  database: Database;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  newId: () => string;
  settings: SettingsStore;
  /** Writes events with their change (and hands what it claimed to this process's relay). */
  outbox: OutboxWriter;
  /** Asks a tick function to re-check when it is next due (no-op where ticks come from a cron). */
  wake: (functionId: string) => void;
  mailer: Mailer;
  /** Key-value state with etags (conversations): a table here, the Dapr state API in the cluster. */
  state: StateStore;
  /**
   * Opens this process's fan-out of live updates to connected clients (the runtime's transport:
   * Server-Sent Events). Each call makes a new one; a function keeps it from its `setup`.
   */
  openLiveStream: () => LiveStream;
  /** Registers cleanup to run when the process (or test host) stops: live streams, clients. */
  onClose?: (cleanup: () => void) => void;
}
