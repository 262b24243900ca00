/**
 * The secret-store contract on a real daprd: DaprSecretStore over the sidecar's secrets API, on the
 * secretstores.local.file component (what the local Dapr mode uses for DATABASE_URL's kind of value),
 * so missing and empty secrets behave as the component implements them, not as the stand-in imagines.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { DaprSidecar } from '../../core/adapters/dapr/sidecar';
import { runSecretStoreContract } from '../../core/adapters/secrets/contract';
import { DaprSecretStore } from '../../core/adapters/secrets/dapr';
import { tempDir } from '../support/server-process';
import { component, Sidecar } from './support';

runSecretStoreContract('dapr (a real daprd, secretstores.local.file)', async (secrets) => {
  const dir = tempDir('tw-dapr-secrets-');
  const file = path.join(dir, 'secrets.json');
  writeFileSync(file, JSON.stringify(secrets));
  writeFileSync(
    path.join(dir, 'secrets.yaml'),
    stringify(
      component('taskwire-secrets', 'secretstores.local.file', [{ name: 'secretsFile', value: file }]),
    ),
  );
  const sidecar = new Sidecar('secrets-contract', dir);
  await sidecar.start();
  return {
    store: new DaprSecretStore(new DaprSidecar({ baseUrl: sidecar.url }), 'taskwire-secrets'),
    close: () => sidecar.stop(),
  };
});
