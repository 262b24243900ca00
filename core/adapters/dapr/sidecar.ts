/**
 * The Dapr sidecar's HTTP API as the adapters use it: one base URL, the optional API token, a
 * timeout on every call, and Dapr's error body (`{ errorCode, message }`) turned into an Error.
 */

export interface SidecarOptions {
  /** e.g. `http://127.0.0.1:3500` (Dapr injects DAPR_HTTP_PORT into the app's container). */
  baseUrl: string;
  /** Sent as `dapr-api-token` when the sidecar is configured with one. */
  apiToken?: string | undefined;
  /** Per-request timeout. Default 10 s. */
  timeoutMs?: number;
}

/** A non-success answer of the sidecar, with Dapr's error code when it sent one. */
export class DaprError extends Error {
  override name = 'DaprError';
  constructor(
    readonly status: number,
    readonly errorCode: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

export class DaprSidecar {
  readonly baseUrl: string;
  constructor(private readonly opts: SidecarOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
  }

  /** Calls the sidecar; the caller reads the response (and must consume or cancel its body). */
  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.opts.apiToken) headers.set('dapr-api-token', this.opts.apiToken);
    const timeout = AbortSignal.timeout(this.opts.timeoutMs ?? 10_000);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return fetch(`${this.baseUrl}${path}`, { ...init, headers, signal });
  }

  /** Resolves when the sidecar reports itself healthy (`GET /v1.0/healthz` → 204). */
  async healthz(): Promise<void> {
    const res = await this.request('/v1.0/healthz');
    await res.body?.cancel();
    if (res.status !== 204 && res.status !== 200)
      throw new Error(`dapr sidecar healthz answered ${res.status}`);
  }
}

/** Reads Dapr's error body from a failed response. */
export async function daprError(res: Response, what: string): Promise<DaprError> {
  const text = await res.text().catch(() => '');
  let errorCode: string | undefined;
  let message = text.slice(0, 500);
  try {
    const body = JSON.parse(text) as { errorCode?: string; message?: string };
    errorCode = body.errorCode;
    message = body.message ?? message;
  } catch {
    // not JSON: keep the text
  }
  return new DaprError(
    res.status,
    errorCode,
    `${what}: ${res.status}${errorCode ? ` ${errorCode}` : ''} ${message}`.trim(),
  );
}

/** The sidecar of this process, from DAPR_HTTP_ENDPOINT or DAPR_HTTP_PORT. */
export function sidecarFromEnv(env: {
  DAPR_HTTP_ENDPOINT?: string | undefined;
  DAPR_HTTP_PORT: number;
  DAPR_API_TOKEN?: string | undefined;
}): DaprSidecar {
  return new DaprSidecar({
    baseUrl: env.DAPR_HTTP_ENDPOINT ?? `http://127.0.0.1:${env.DAPR_HTTP_PORT}`,
    apiToken: env.DAPR_API_TOKEN,
  });
}
