import { FakeDapr } from '../../../test/support/fake-dapr';
import { envSecrets } from '../../ports/state';
import { DaprSidecar } from '../dapr/sidecar';
import { runSecretStoreContract } from './contract';
import { DaprSecretStore } from './dapr';

// The embedded runtime, and clusters that inject secrets as environment variables.
runSecretStoreContract('env', async (secrets) => ({ store: envSecrets({ ...secrets }) }));

// The Dapr secrets API as a local stand-in serves it (a secret per name, as secretstores.local.env
// answers); test/dapr/secrets.test.ts runs the same contract on a real daprd.
runSecretStoreContract('dapr (the sidecar API, served locally)', async (secrets) => {
  const sidecar = await new FakeDapr({
    apiToken: 'contract-token',
    secretStores: {
      localenv: Object.fromEntries(Object.entries(secrets).map(([name, value]) => [name, { [name]: value }])),
    },
  }).start();
  return {
    store: new DaprSecretStore(
      new DaprSidecar({ baseUrl: sidecar.url, apiToken: 'contract-token' }),
      'localenv',
    ),
    close: () => sidecar.stop(),
  };
});
