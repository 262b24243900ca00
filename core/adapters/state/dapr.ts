import { type SetOptions, StateConflictError, type StateEntry, type StateStore } from '../../ports/state';
import { DaprError, type DaprSidecar, daprError } from '../dapr/sidecar';

/** JSON with object keys sorted, so two serialisations of equal values compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** Dapr answers an etag mismatch with 409, and an etag the store cannot parse with 400. */
function isEtagFailure(err: DaprError): boolean {
  return err.status === 409 || (err.status === 400 && /etag/i.test(err.message));
}

/**
 * The state-store port over the Dapr state API (`/v1.0/state/{store}`) with etag concurrency: a
 * write with an etag is sent with `first-write` concurrency and fails with StateConflictError when
 * someone wrote in between. Dapr's save does not answer the new etag, so `set` reads it back; if
 * the value read back is no longer ours (another write came in between), the etag returned is one
 * that can never match, so a write based on it conflicts as it should.
 */
export class DaprStateStore implements StateStore {
  readonly kind = 'dapr';
  constructor(
    private readonly sidecar: DaprSidecar,
    private readonly store: string,
  ) {}

  #path(key: string): string {
    if (key.includes('||')) throw new Error(`state key "${key}" contains "||", which Dapr reserves`);
    return `/v1.0/state/${encodeURIComponent(this.store)}/${encodeURIComponent(key)}`;
  }

  async get<T>(key: string): Promise<StateEntry<T> | undefined> {
    const res = await this.sidecar.request(`${this.#path(key)}?consistency=strong`);
    if (res.status === 204 || res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    if (res.status !== 200) throw await daprError(res, `reading state "${key}"`);
    const text = await res.text();
    if (text === '') return undefined;
    return { value: JSON.parse(text) as T, etag: res.headers.get('etag') ?? '' };
  }

  async set<T>(key: string, value: T, opts: SetOptions = {}): Promise<string> {
    const item: Record<string, unknown> = {
      key,
      value,
      options: { concurrency: opts.etag !== undefined ? 'first-write' : 'last-write', consistency: 'strong' },
    };
    if (opts.etag !== undefined) item.etag = opts.etag;
    if (opts.ttlSeconds) item.metadata = { ttlInSeconds: String(opts.ttlSeconds) };
    this.#path(key);
    const res = await this.sidecar.request(`/v1.0/state/${encodeURIComponent(this.store)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([item]),
    });
    if (res.status !== 204 && res.status !== 200) {
      const err = await daprError(res, `writing state "${key}"`);
      if (opts.etag !== undefined && isEtagFailure(err)) throw new StateConflictError(key);
      throw err;
    }
    await res.body?.cancel();
    const after = await this.get<T>(key);
    if (!after) return `gone:${key}`;
    return canonical(after.value) === canonical(value) ? after.etag : `superseded:${after.etag}`;
  }

  async delete(key: string, opts: { etag?: string } = {}): Promise<void> {
    const headers: Record<string, string> = {};
    let query = '?consistency=strong';
    if (opts.etag !== undefined) {
      headers['if-match'] = opts.etag;
      query += '&concurrency=first-write';
    }
    const res = await this.sidecar.request(`${this.#path(key)}${query}`, { method: 'DELETE', headers });
    if (res.status === 204 || res.status === 200) {
      await res.body?.cancel();
      return;
    }
    const err = await daprError(res, `deleting state "${key}"`);
    if (opts.etag !== undefined && isEtagFailure(err)) throw new StateConflictError(key);
    throw err;
  }
}

export { DaprError };
