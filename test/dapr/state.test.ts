/**
 * The state-store contract on a real daprd: DaprStateStore over the sidecar's state API, on the
 * state.postgresql component (v2) against the real PostgreSQL. Etags, first-write concurrency and
 * TTLs as the component implements them, not as the stand-in imagines them.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { stringify } from 'yaml';
import { DaprSidecar } from '../../core/adapters/dapr/sidecar';
import { runStateContract } from '../../core/adapters/state/contract';
import { DaprStateStore } from '../../core/adapters/state/dapr';
import { newDatabase } from '../kafka/support';
import { tempDir } from '../support/server-process';
import { Sidecar } from './support';

let sidecar: Sidecar;

beforeAll(async () => {
  const databaseUrl = await newDatabase();
  const dir = tempDir('tw-dapr-state-');
  writeFileSync(
    path.join(dir, 'state.yaml'),
    stringify({
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'taskwire-state' },
      spec: {
        type: 'state.postgresql',
        version: 'v2',
        metadata: [
          { name: 'connectionString', value: databaseUrl },
          { name: 'tablePrefix', value: 'dapr_' },
          { name: 'keyPrefix', value: 'name' },
        ],
      },
    }),
  );
  sidecar = new Sidecar('state-contract', dir);
  await sidecar.start();
}, 120_000);

afterAll(async () => {
  await sidecar?.stop();
});

runStateContract('dapr (a real daprd, state.postgresql v2)', async () => ({
  store: new DaprStateStore(new DaprSidecar({ baseUrl: sidecar.url }), 'taskwire-state'),
  advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  timeScale: 1 / 20,
}));
