import type { DaprSidecar } from './sidecar';

/** Calls another function's HTTP routes by its id, wherever it runs. */
export interface ServiceInvoker {
  readonly kind: string;
  fetch(appId: string, path: string, init?: RequestInit): Promise<Response>;
}

/**
 * Service invocation through the sidecar: `/v1.0/invoke/{app-id}/method/{path}`. Dapr finds the
 * app, encrypts the hop with mTLS, retries per the Resiliency policy and traces it.
 */
export function daprInvoker(sidecar: DaprSidecar): ServiceInvoker {
  return {
    kind: 'dapr',
    fetch: (appId, path, init = {}) =>
      sidecar.request(`/v1.0/invoke/${encodeURIComponent(appId)}/method/${path.replace(/^\/+/, '')}`, init),
  };
}

/** Plain HTTP to `<base>` with `{app}` replaced by the app id (e.g. `http://{app}.taskwire.svc`). */
export function httpInvoker(baseTemplate: string): ServiceInvoker {
  return {
    kind: 'http',
    fetch: (appId, path, init = {}) =>
      fetch(`${baseTemplate.replace('{app}', appId).replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`, init),
  };
}
