import { z } from 'zod';
import { type DaprSidecar, sidecarFromEnv } from '../../core/adapters/dapr/sidecar';
import { DaprSecretStore, withSecretsFrom } from '../../core/adapters/secrets/dapr';

const SecretBootstrap = z.object({
  DAPR_SECRET_STORE: z.string().optional(),
  DAPR_SECRETS: z.string().optional(),
  DAPR_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(3500),
  DAPR_HTTP_ENDPOINT: z.string().optional(),
  DAPR_API_TOKEN: z.string().optional(),
});

async function waitForSidecar(sidecar: DaprSidecar, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      // `outbound` is ready before the app is: exactly what a start-up read needs.
      const res = await sidecar.request('/v1.0/healthz/outbound');
      await res.body?.cancel();
      if (res.status === 204 || res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the Dapr sidecar at ${sidecar.baseUrl} did not become ready`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The environment with the secrets DAPR_SECRETS names read from the Dapr secret store (once, at
 * start-up; never from files). Without DAPR_SECRET_STORE it is the environment as it is.
 */
export async function withDaprSecrets(
  source: Record<string, string | undefined>,
  timeoutMs = 60_000,
): Promise<Record<string, string | undefined>> {
  const boot = SecretBootstrap.parse(source);
  if (!boot.DAPR_SECRET_STORE || !boot.DAPR_SECRETS) return source;
  const sidecar = sidecarFromEnv({ ...boot, DAPR_HTTP_ENDPOINT: boot.DAPR_HTTP_ENDPOINT || undefined });
  await waitForSidecar(sidecar, timeoutMs);
  return withSecretsFrom(new DaprSecretStore(sidecar, boot.DAPR_SECRET_STORE), boot.DAPR_SECRETS, source);
}
