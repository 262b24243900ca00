import { afterAll, beforeAll } from 'vitest';
import { FakeDapr } from '../../../test/support/fake-dapr';
import { testDatabase } from '../../../test/support/harness';
import { ManualClock } from '../../ports/clock';
import { DaprSidecar } from '../dapr/sidecar';
import { runStateContract } from './contract';
import { DaprStateStore } from './dapr';
import { DatabaseStateStore } from './database';

for (const kind of ['pglite', 'postgres'] as const) {
  runStateContract(`database (${kind})`, async () => {
    const database = await testDatabase(kind);
    const clock = new ManualClock(new Date());
    return {
      store: new DatabaseStateStore(database, clock),
      advance: (ms) => clock.advance(ms),
      close: () => database.close(),
    };
  });
}

let now = Date.now();
const sidecar = new FakeDapr({ stateStores: ['taskwire-state'], now: () => now });
beforeAll(() => sidecar.start());
afterAll(() => sidecar.stop());

runStateContract('dapr (sidecar state API)', async () => ({
  store: new DaprStateStore(new DaprSidecar({ baseUrl: sidecar.url }), 'taskwire-state'),
  advance: (ms) => {
    now += ms;
  },
}));
