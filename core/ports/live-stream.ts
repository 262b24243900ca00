import type { TaskwireEvent } from '../events/define-event';

export interface LiveConnection {
  /** The last event the client saw (`Last-Event-ID`): what came after it is replayed first. */
  lastEventId?: string | undefined;
  /** Aborted when the client goes away. */
  signal?: AbortSignal | undefined;
  /** Extra response headers (the correlation id). */
  headers?: Record<string, string>;
  /** The server's own response object, for a transport that writes to the socket itself. */
  native?: unknown;
}

/**
 * Live updates to connected clients (Server-Sent Events in this runtime): each change handed to
 * `publish` reaches every open connection of this process, coalesced with what arrives close to
 * it; a reconnecting client first gets what it missed.
 */
export interface LiveStream {
  publish(event: TaskwireEvent): void;
  connect(connection: LiveConnection): Response;
  /** Tells every client that changes may have been missed, so it fetches afresh (`event: reset`). */
  resync(reason: string): void;
  /** Open connections. */
  readonly size: number;
  close(): void;
}
