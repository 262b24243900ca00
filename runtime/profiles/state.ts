import { sidecarFromEnv } from '../../core/adapters/dapr/sidecar';
import { DaprStateStore } from '../../core/adapters/state/dapr';
import { DatabaseStateStore } from '../../core/adapters/state/database';
import type { Env } from '../../core/config/env';
import type { Database } from '../../core/db/client';
import type { Clock } from '../../core/ports/clock';
import type { StateStore } from '../../core/ports/state';
import { daprEnabled } from './dapr';

/** Key-value state: the Dapr state API when a sidecar runs, else the database table. */
export function createStateStore(env: Env, database: Database, clock: Clock): StateStore {
  return daprEnabled(env)
    ? new DaprStateStore(sidecarFromEnv(env), env.DAPR_STATE_STORE)
    : new DatabaseStateStore(database, clock);
}
