/** A value with the version it was read at: pass the etag back to write only if nobody else did. */
export interface StateEntry<T> {
  value: T;
  etag: string;
}

export interface SetOptions {
  /** Write only if the stored etag still equals this one (first-write-wins concurrency). */
  etag?: string;
  /** Forget the key after this many seconds. */
  ttlSeconds?: number;
}

/** Someone else wrote the key since it was read. */
export class StateConflictError extends Error {
  override name = 'StateConflictError';
  constructor(readonly key: string) {
    super(`state "${key}" changed since it was read`);
  }
}

/**
 * Key-value state with etag concurrency: a database table in the embedded and Kafka runtimes, the
 * Dapr state API in the cluster.
 */
export interface StateStore {
  readonly kind: string;
  get<T>(key: string): Promise<StateEntry<T> | undefined>;
  /** Returns the new etag; throws StateConflictError when `etag` no longer matches. */
  set<T>(key: string, value: T, opts?: SetOptions): Promise<string>;
  delete(key: string, opts?: { etag?: string }): Promise<void>;
  /** Removes expired keys where the store does not do it itself (Dapr's TTL does). */
  purgeExpired?(): Promise<number>;
}

/** Secrets (API keys, database credentials), read once at start-up, never from files in the image. */
export interface SecretStore {
  readonly kind: string;
  get(name: string): Promise<string | undefined>;
}

/** Secrets from the process environment: the embedded runtime, and clusters that inject them as env. */
export function envSecrets(env: Readonly<Record<string, string | undefined>>): SecretStore {
  return { kind: 'env', get: async (name) => env[name] || undefined };
}
