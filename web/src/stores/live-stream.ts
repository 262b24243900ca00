import { createSignal } from 'solid-js';
import type { Update } from '../api/types';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'paused';

/** The part of EventSource this store uses (tests pass a stand-in). */
interface EventSourceLike {
  readonly readyState: number;
  onopen: ((ev: Event) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
  close(): void;
  addEventListener(type: string, listener: (event: MessageEvent) => void): void;
}

export interface LiveStreamOptions {
  url: () => string;
  onUpdates: (updates: Update[]) => void;
  /** Something may have been missed (a reconnect, a resume): refetch once. */
  onResync: () => void;
  EventSource?: new (url: string) => EventSourceLike;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  random?: () => number;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

const CLOSED = 2;

/**
 * One EventSource for the whole app. While the browser retries by itself (readyState CONNECTING)
 * it resends Last-Event-ID and the server replays; when the browser gives up (CLOSED: an HTTP
 * error, a restart that answered 5xx) we open a new one after a growing, jittered delay.
 */
export function createLiveStream(options: LiveStreamOptions) {
  const [state, setState] = createSignal<ConnectionState>('connecting');
  const Source =
    options.EventSource ?? (globalThis.EventSource as unknown as LiveStreamOptions['EventSource']);
  const later = options.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
  const cancel = options.clearTimeout ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const random = options.random ?? Math.random;
  const initialDelay = options.initialDelayMs ?? 1000;
  // Capped low: after a server restart, tabs should be back within seconds, not half a minute.
  const maxDelay = options.maxDelayMs ?? 10_000;

  let source: EventSourceLike | null = null;
  let retryTimer: unknown;
  let attempt = 0;
  let everOpened = false;
  let missedSomething = false;
  let stopped = true;

  function opened(es: EventSourceLike): void {
    if (source !== es || state() === 'live') return;
    attempt = 0;
    setState('live');
    if (missedSomething) {
      missedSomething = false;
      options.onResync();
    }
    everOpened = true;
  }

  function connect(): void {
    if (retryTimer !== undefined) cancel(retryTimer);
    retryTimer = undefined;
    if (!Source) return;
    const es = new Source(options.url());
    source = es;
    es.onopen = () => opened(es);
    es.addEventListener('hello', () => opened(es));
    es.addEventListener('update', (event) => {
      if (source !== es) return;
      opened(es);
      let updates: unknown;
      try {
        updates = (JSON.parse(String(event.data)) as { updates?: unknown }).updates;
      } catch {
        return;
      }
      if (Array.isArray(updates)) options.onUpdates(updates as Update[]);
    });
    // The server could not replay what was missed (too old, or it lost track): refetch.
    es.addEventListener('reset', () => {
      if (source === es) options.onResync();
    });
    es.onerror = () => {
      if (source !== es) return;
      if (everOpened) missedSomething = true;
      if (es.readyState === CLOSED) {
        es.close();
        source = null;
        scheduleRetry();
      } else {
        setState('reconnecting');
      }
    };
  }

  function scheduleRetry(): void {
    if (stopped) return;
    setState('reconnecting');
    const ceiling = Math.min(maxDelay, initialDelay * 2 ** attempt);
    attempt++;
    // Jitter spreads the reconnects of many tabs after a server restart.
    retryTimer = later(connect, Math.round(ceiling * (0.5 + random() * 0.5)));
  }

  function close(): void {
    if (retryTimer !== undefined) cancel(retryTimer);
    retryTimer = undefined;
    source?.close();
    source = null;
  }

  return {
    state,
    start(): void {
      stopped = false;
      setState('connecting');
      connect();
    },
    /** Stops live updates until resume(); whatever changes meanwhile is fetched on resume. */
    pause(): void {
      stopped = true;
      close();
      if (everOpened) missedSomething = true;
      setState('paused');
    },
    resume(): void {
      if (!stopped) return;
      stopped = false;
      attempt = 0;
      setState('reconnecting');
      connect();
    },
    /** Reconnects at once (e.g. with a new access token). */
    restart(): void {
      close();
      stopped = false;
      attempt = 0;
      if (everOpened) missedSomething = true;
      setState('connecting');
      connect();
    },
    stop(): void {
      stopped = true;
      close();
    },
  };
}

export type LiveStream = ReturnType<typeof createLiveStream>;
