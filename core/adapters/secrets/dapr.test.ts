import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDapr } from '../../../test/support/fake-dapr';
import { envSecrets } from '../../ports/state';
import { DaprError, DaprSidecar } from '../dapr/sidecar';
import { DaprSecretStore, parseSecretMap, withSecretsFrom } from './dapr';

let sidecar: FakeDapr;
beforeAll(async () => {
  sidecar = await new FakeDapr({
    apiToken: 'tok',
    secretStores: {
      kubernetes: {
        'taskwire-database': { url: 'postgres://app:dummy@db:5432/taskwire?sslmode=require', user: 'app' },
      },
      localenv: { ANTHROPIC_API_KEY: { ANTHROPIC_API_KEY: 'dummy-value-for-tests' }, EMPTY: { EMPTY: '' } },
    },
  }).start();
});
afterAll(async () => {
  await sidecar.stop();
});

const client = () => new DaprSidecar({ baseUrl: sidecar.url, apiToken: 'tok' });

describe('DaprSecretStore', () => {
  it('reads one key of a multi-key secret, or the key named like the secret', async () => {
    const k8s = new DaprSecretStore(client(), 'kubernetes');
    expect(await k8s.get('taskwire-database/url')).toBe(
      'postgres://app:dummy@db:5432/taskwire?sslmode=require',
    );
    expect(await k8s.get('taskwire-database/missing-key')).toBeUndefined();
    const local = new DaprSecretStore(client(), 'localenv');
    expect(await local.get('ANTHROPIC_API_KEY')).toBe('dummy-value-for-tests');
    expect(await local.get('EMPTY')).toBeUndefined();
  });

  it('fails loudly for a missing secret, an unknown store, or a refused token', async () => {
    await expect(new DaprSecretStore(client(), 'kubernetes').get('nope/url')).rejects.toThrow(
      /ERR_SECRET_GET/,
    );
    await expect(new DaprSecretStore(client(), 'vault').get('x')).rejects.toBeInstanceOf(DaprError);
    const noToken = new DaprSecretStore(new DaprSidecar({ baseUrl: sidecar.url }), 'localenv');
    await expect(noToken.get('ANTHROPIC_API_KEY')).rejects.toThrow(/401/);
  });

  it('fills the env vars DAPR_SECRETS maps, at start-up, and stops on a missing one', async () => {
    const store = new DaprSecretStore(client(), 'kubernetes');
    const env = await withSecretsFrom(
      store,
      'DATABASE_URL=taskwire-database/url, DB_USER=taskwire-database/user',
      {
        PORT: '8080',
      },
    );
    expect(env).toEqual({
      PORT: '8080',
      DATABASE_URL: 'postgres://app:dummy@db:5432/taskwire?sslmode=require',
      DB_USER: 'app',
    });
    await expect(withSecretsFrom(store, 'X=taskwire-database/none', {})).rejects.toThrow(/X/);
    expect(() => parseSecretMap('JUSTANAME')).toThrow(/ENV=secret/);
    expect(await envSecrets({ A: 'b' }).get('A')).toBe('b');
  });
});

describe('the sidecar client', () => {
  it('healthz resolves while the sidecar is healthy and throws otherwise', async () => {
    await client().healthz();
    sidecar.healthy = false;
    await expect(client().healthz()).rejects.toThrow(/500/);
    sidecar.healthy = true;
  });
});
