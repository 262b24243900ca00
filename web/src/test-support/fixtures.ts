import type { Task } from '../api/types';

let counter = 0;

/** A task with every field filled in; ids are unique per call. */
export function makeTask(fields: Partial<Task> = {}): Task {
  counter++;
  return {
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    title: `Task ${counter}`,
    description: null,
    due: null,
    timezone: 'Europe/Berlin',
    priority: null,
    tags: [],
    status: 'active',
    completedAt: null,
    createdAt: `2030-01-01T00:00:${String(counter % 60).padStart(2, '0')}Z`,
    updatedAt: '2030-01-01T00:00:00Z',
    deletedAt: null,
    version: 1,
    reminders: [],
    seriesId: null,
    occurrenceAt: null,
    catchUp: false,
    recurrence: null,
    recurrenceMode: null,
    ...fields,
  };
}

/** A fetch double that answers by "METHOD /path" and records every call. */
export function fakeFetch(
  routes: Record<string, (init: RequestInit, url: URL) => Response | Promise<Response>>,
) {
  const calls: { method: string; url: URL; init: RequestInit; body: unknown }[] = [];
  const fn = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://localhost');
    const method = init.method ?? 'GET';
    calls.push({ method, url, init, body: init.body ? JSON.parse(String(init.body)) : undefined });
    const handler = routes[`${method} ${url.pathname}`];
    if (!handler) return problem(404, 'Not found', `no route ${method} ${url.pathname}`);
    return handler(init, url);
  };
  return { fetch: fn as typeof fetch, calls };
}

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export function problem(
  status: number,
  title: string,
  detail: string,
  errors?: { field: string; message: string }[],
): Response {
  return new Response(
    JSON.stringify({ type: 'about:blank', title, status, detail, ...(errors ? { errors } : {}) }),
    {
      status,
      headers: { 'content-type': 'application/problem+json' },
    },
  );
}

/** A controllable EventSource stand-in. */
export class FakeEventSource {
  static instances: FakeEventSource[] = [];
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  readyState = 0;
  onopen: ((ev: Event) => unknown) | null = null;
  onerror: ((ev: Event) => unknown) | null = null;
  closed = false;
  private listeners = new Map<string, ((ev: MessageEvent) => void)[]>();

  constructor(readonly url: string) {
    FakeEventSource.instances.push(this);
  }

  static reset(): void {
    FakeEventSource.instances = [];
  }

  static latest(): FakeEventSource {
    const last = FakeEventSource.instances.at(-1);
    if (!last) throw new Error('no EventSource was opened');
    return last;
  }

  addEventListener(type: string, fn: (ev: MessageEvent) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }

  close(): void {
    this.closed = true;
    this.readyState = 2;
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }

  emit(type: string, data: unknown, lastEventId = ''): void {
    const event = new MessageEvent(type, { data: JSON.stringify(data), lastEventId });
    for (const fn of this.listeners.get(type) ?? []) fn(event);
  }

  /** The browser lost the connection and will retry by itself. */
  drop(): void {
    this.readyState = 0;
    this.onerror?.(new Event('error'));
  }

  /** The browser gave up (an HTTP error): the app must reconnect. */
  fail(): void {
    this.readyState = 2;
    this.onerror?.(new Event('error'));
  }
}
