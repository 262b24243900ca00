import type { SecretStore } from '../../ports/state';
import { type DaprSidecar, daprError } from '../dapr/sidecar';

/**
 * The secrets port over the Dapr secrets API (`GET /v1.0/secrets/{store}/{name}`). A name may pick
 * one key of a multi-key secret: `taskwire-database/url` reads key `url` of the Kubernetes Secret
 * `taskwire-database`; a plain name reads the key of the same name (or the only key), as the
 * local env store answers `{ "NAME": value }`.
 */
export class DaprSecretStore implements SecretStore {
  readonly kind = 'dapr';
  constructor(
    private readonly sidecar: DaprSidecar,
    private readonly store: string,
  ) {}

  async get(name: string): Promise<string | undefined> {
    const slash = name.indexOf('/');
    const secret = slash >= 0 ? name.slice(0, slash) : name;
    const key = slash >= 0 ? name.slice(slash + 1) : undefined;
    const res = await this.sidecar.request(
      `/v1.0/secrets/${encodeURIComponent(this.store)}/${encodeURIComponent(secret)}`,
    );
    if (res.status === 204) {
      await res.body?.cancel();
      return undefined;
    }
    if (res.status !== 200) throw await daprError(res, `reading secret "${secret}" from ${this.store}`);
    const data = (await res.json()) as Record<string, string>;
    const keys = Object.keys(data);
    const value =
      key !== undefined ? data[key] : (data[secret] ?? (keys.length === 1 ? data[keys[0]!] : undefined));
    return value === undefined || value === '' ? undefined : value;
  }
}

/** Parses `ENV=secret[/key],ENV2=…` (DAPR_SECRETS) into env var → secret reference. */
export function parseSecretMap(spec: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of (spec ?? '').split(',')) {
    const item = part.trim();
    if (!item) continue;
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1) throw new Error(`DAPR_SECRETS: "${item}" is not ENV=secret[/key]`);
    map.set(item.slice(0, eq).trim(), item.slice(eq + 1).trim());
  }
  return map;
}

/**
 * Reads the secrets that DAPR_SECRETS maps to env vars, once at start-up, and returns the env with
 * them filled in. A secret named there but missing from the store stops the start.
 */
export async function withSecretsFrom(
  store: SecretStore,
  spec: string | undefined,
  env: Record<string, string | undefined>,
): Promise<Record<string, string | undefined>> {
  const out = { ...env };
  for (const [variable, ref] of parseSecretMap(spec)) {
    const value = await store.get(ref).catch((err: unknown) => {
      // A store that reports a missing secret as an error (Dapr's) still says which setting lacks it.
      const why = err instanceof Error ? err.message : String(err);
      throw new Error(
        `secret "${ref}" (for ${variable}) could not be read from the ${store.kind} secret store: ${why}`,
        {
          cause: err,
        },
      );
    });
    if (value === undefined)
      throw new Error(`secret "${ref}" (for ${variable}) is missing from the ${store.kind} secret store`);
    out[variable] = value;
  }
  return out;
}
