import { AsyncLocalStorage } from 'node:async_hooks';

/** What follows one user action through every call, log line and event it causes. */
export interface RequestContext {
  correlationId: string;
  traceparent?: string | undefined;
  tracestate?: string | undefined;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}
