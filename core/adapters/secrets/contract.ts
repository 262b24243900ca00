/**
 * The contract every secret store keeps (core/ports/state.ts, SecretStore), run against each
 * implementation: a held secret reads as its value, an empty one as nothing, one the store does not
 * hold never as a value, and the start-up fill (DAPR_SECRETS) sets exactly the variables it maps and
 * stops, naming the variable, when a secret is missing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SecretStore } from '../../ports/state';
import { withSecretsFrom } from './dapr';

/** The secrets a store under test is opened with: name → value. */
export const CONTRACT_SECRETS = {
  TASKWIRE_DATABASE_URL: 'postgres://app:not-a-real-password@db.example.test:5432/taskwire?sslmode=require',
  TASKWIRE_AUTH_TOKEN: 'token with spaces, = and / in it',
  TASKWIRE_EMPTY: '',
} as const;

export interface SecretStoreUnderTest {
  store: SecretStore;
  close?(): Promise<void>;
}

export function runSecretStoreContract(
  name: string,
  open: (secrets: Readonly<Record<string, string>>) => Promise<SecretStoreUnderTest>,
): void {
  describe(`secret store contract: ${name}`, () => {
    let opened: SecretStoreUnderTest | undefined;
    const start = async () => {
      opened = await open(CONTRACT_SECRETS);
      return opened.store;
    };
    afterEach(async () => {
      await opened?.close?.();
      opened = undefined;
    });

    it('reads a secret it holds as its value, exactly', async () => {
      const store = await start();
      expect(await store.get('TASKWIRE_DATABASE_URL')).toBe(CONTRACT_SECRETS.TASKWIRE_DATABASE_URL);
      expect(await store.get('TASKWIRE_AUTH_TOKEN')).toBe(CONTRACT_SECRETS.TASKWIRE_AUTH_TOKEN);
    });

    it('reads an empty secret as nothing', async () => {
      const store = await start();
      expect(await store.get('TASKWIRE_EMPTY')).toBeUndefined();
    });

    it('never makes up a value for a secret it does not hold (nothing, or an error)', async () => {
      const store = await start();
      const read = await store.get('TASKWIRE_NOT_THERE').then(
        (value) => ({ value }),
        (err: unknown) => ({ err }),
      );
      if ('value' in read) expect(read.value).toBeUndefined();
      else expect(read.err).toBeInstanceOf(Error);
    });

    it('fills exactly the variables DAPR_SECRETS maps, keeping the rest of the environment', async () => {
      const store = await start();
      const env = await withSecretsFrom(
        store,
        'DATABASE_URL=TASKWIRE_DATABASE_URL, AUTH_TOKEN=TASKWIRE_AUTH_TOKEN',
        {
          PORT: '8080',
          DATABASE_URL: 'overridden',
        },
      );
      expect(env).toEqual({
        PORT: '8080',
        DATABASE_URL: CONTRACT_SECRETS.TASKWIRE_DATABASE_URL,
        AUTH_TOKEN: CONTRACT_SECRETS.TASKWIRE_AUTH_TOKEN,
      });
    });

    it('stops the start on a mapped secret it does not hold, or holds empty, naming the variable', async () => {
      const store = await start();
      await expect(withSecretsFrom(store, 'MAIL_KEY=TASKWIRE_NOT_THERE', {})).rejects.toThrow(/MAIL_KEY/);
      await expect(withSecretsFrom(store, 'EMPTY_KEY=TASKWIRE_EMPTY', {})).rejects.toThrow(/EMPTY_KEY/);
    });
  });
}
