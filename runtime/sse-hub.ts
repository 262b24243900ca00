import { randomUUID } from 'node:crypto';
import { ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Gauge, type Registry } from 'prom-client';
import type { TaskwireEvent } from '../core/events/define-event';
import type { Logger } from '../core/observability/logger';
import type { LiveConnection, LiveStream } from '../core/ports/live-stream';
import { outboxReplay } from '../core/stream/replay';
import { coalesce, toUpdate, type Update } from '../core/stream/updates';
import type { Deps } from '../functions/_runtime/deps';

const encoder = new TextEncoder();

interface Connection {
  id: string;
  openedAt: number;
  /** Bytes queued for this client that its socket has not taken yet. */
  backlog(): number;
  write(message: Uint8Array): void;
  close(): void;
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

export interface HubOptions {
  log: Logger;
  registry?: Registry;
  /** Changes arriving within this window go out as one message. */
  coalesceMs?: number;
  heartbeatMs?: number;
  /** A client this many bytes behind (not reading) is dropped. */
  maxBufferedBytes?: number;
  /** Events replayed for a reconnecting client: everything from this long before its last one. */
  replay?: (lastEventId: string) => Promise<{ events: TaskwireEvent[]; found: boolean }>;
}

export function sseMessage(fields: {
  event?: string;
  id?: string;
  data?: string;
  comment?: string;
}): Uint8Array {
  let out = '';
  if (fields.comment !== undefined) out += `: ${fields.comment}\n`;
  if (fields.id) out += `id: ${fields.id}\n`;
  if (fields.event) out += `event: ${fields.event}\n`;
  if (fields.data !== undefined) for (const line of fields.data.split('\n')) out += `data: ${line}\n`;
  return encoder.encode(`${out}\n`);
}

/**
 * The live-connection registry of one gateway process: fans each (coalesced) change out to every
 * connected client as one pre-encoded SSE message, sends heartbeats, drops clients that stopped
 * reading, and replays what a reconnecting client missed.
 */
export class SseHub implements LiveStream {
  readonly #connections = new Map<string, Connection>();
  readonly #opts: Required<Omit<HubOptions, 'registry' | 'replay'>> & Pick<HubOptions, 'replay'>;
  #pending: { updates: Update[]; lastId: string } | undefined;
  #flushTimer: NodeJS.Timeout | undefined;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #gauge: Gauge | undefined;

  constructor(opts: HubOptions) {
    this.#opts = { coalesceMs: 25, heartbeatMs: 15_000, maxBufferedBytes: 1 << 20, ...opts };
    this.#heartbeat = setInterval(() => this.#beat(), this.#opts.heartbeatMs);
    this.#heartbeat.unref();
    if (opts.registry) {
      const existing = opts.registry.getSingleMetric('taskwire_sse_connections') as Gauge | undefined;
      this.#gauge =
        existing ??
        new Gauge({
          name: 'taskwire_sse_connections',
          help: 'Open live-update (SSE) connections',
          registers: [opts.registry],
        });
    }
  }

  get size(): number {
    return this.#connections.size;
  }

  /**
   * Opens a stream for one client; replays from `lastEventId` when it reconnects. Given the Node
   * response, it writes to the socket directly: a web ReadableStream per client costs about twice
   * the CPU per change at 5,000 clients (bench/sse-fanout.ts). Without one (in-memory requests) it
   * answers with a ReadableStream that counts its backlog in bytes.
   */
  connect(opts: LiveConnection): Response {
    const id = randomUUID();
    const greeting = () => [
      sseMessage({ comment: 'welcome' }),
      sseMessage({
        event: 'hello',
        data: JSON.stringify({ serverTime: new Date().toISOString(), connection: id }),
      }),
    ];
    const out = opts.native instanceof ServerResponse ? opts.native : undefined;
    if (out) {
      out.writeHead(200, { ...SSE_HEADERS, ...opts.headers });
      this.#open({
        id,
        openedAt: Date.now(),
        backlog: () => out.writableLength,
        write: (m) => void out.write(m),
        close: () => out.end(),
      });
      for (const m of greeting()) out.write(m);
      out.on('close', () => this.#drop(id));
      if (opts.lastEventId && this.#opts.replay) void this.#replay(id, opts.lastEventId);
      return RESPONSE_ALREADY_SENT;
    }
    const hub = this;
    const stream = new ReadableStream<Uint8Array>(
      {
        async start(controller) {
          hub.#open({
            id,
            openedAt: Date.now(),
            backlog: () => -(controller.desiredSize ?? 0),
            write: (m) => controller.enqueue(m),
            close: () => controller.close(),
          });
          for (const m of greeting()) controller.enqueue(m);
          if (opts.lastEventId && hub.#opts.replay) await hub.#replay(id, opts.lastEventId);
        },
        cancel() {
          hub.#drop(id);
        },
      },
      // Bytes, not chunks: the slow-client guard compares the backlog with maxBufferedBytes.
      new ByteLengthQueuingStrategy({ highWaterMark: 0 }),
    );
    opts.signal?.addEventListener('abort', () => this.#drop(id), { once: true });
    return new Response(stream, { headers: { ...SSE_HEADERS, ...opts.headers } });
  }

  #open(c: Connection): void {
    this.#connections.set(c.id, c);
    this.#gauge?.set(this.#connections.size);
  }

  /** Takes a change from the bus; it goes out with whatever else arrives within the window. */
  publish(event: TaskwireEvent): void {
    const update = toUpdate(event);
    if (!update) return;
    if (!this.#pending) this.#pending = { updates: [], lastId: event.id };
    this.#pending.updates.push(update);
    this.#pending.lastId = event.id;
    this.#flushTimer ??= setTimeout(() => this.#flush(), this.#opts.coalesceMs);
  }

  resync(reason: string): void {
    const message = sseMessage({ event: 'reset', data: JSON.stringify({ reason }) });
    for (const c of this.#connections.values()) this.#send(c, message);
  }

  close(): void {
    clearInterval(this.#heartbeat);
    clearTimeout(this.#flushTimer);
    for (const c of this.#connections.values()) {
      try {
        c.close();
      } catch {
        // already closed by the client
      }
    }
    this.#connections.clear();
    this.#gauge?.set(0);
  }

  #flush(): void {
    this.#flushTimer = undefined;
    const pending = this.#pending;
    this.#pending = undefined;
    if (!pending || this.#connections.size === 0) return;
    const message = sseMessage({
      event: 'update',
      id: pending.lastId,
      data: JSON.stringify({ updates: coalesce(pending.updates) }),
    });
    for (const c of this.#connections.values()) this.#send(c, message);
  }

  #beat(): void {
    const message = sseMessage({ comment: 'heartbeat' });
    for (const c of this.#connections.values()) this.#send(c, message);
  }

  #send(c: Connection, message: Uint8Array): void {
    const backlog = c.backlog();
    if (backlog > this.#opts.maxBufferedBytes) {
      this.#opts.log.info(
        { connection: c.id, backlog },
        'dropping a live-update client that stopped reading',
      );
      try {
        c.close();
      } catch {
        // closed meanwhile
      }
      this.#drop(c.id);
      return;
    }
    try {
      c.write(message);
    } catch {
      this.#drop(c.id);
    }
  }

  async #replay(id: string, lastEventId: string): Promise<void> {
    const c = this.#connections.get(id);
    if (!c || !this.#opts.replay) return;
    try {
      const { events, found } = await this.#opts.replay(lastEventId);
      if (!found) {
        this.#send(
          c,
          sseMessage({
            event: 'reset',
            data: JSON.stringify({ reason: 'the last event is too old to replay; reload' }),
          }),
        );
        return;
      }
      const updates = events.map(toUpdate).filter((u): u is Update => u !== undefined);
      const last = events.at(-1);
      if (updates.length > 0 && last) {
        this.#send(
          c,
          sseMessage({
            event: 'update',
            id: last.id,
            data: JSON.stringify({ updates: coalesce(updates), replay: true }),
          }),
        );
      }
    } catch (err) {
      this.#opts.log.warn({ err, connection: id }, 'replay failed; the client will refetch');
      this.#send(
        c,
        sseMessage({ event: 'reset', data: JSON.stringify({ reason: 'replay failed; reload' }) }),
      );
    }
  }

  #drop(id: string): void {
    if (this.#connections.delete(id)) this.#gauge?.set(this.#connections.size);
  }
}

/** The runtime's live-update transport for `deps.openLiveStream`: SSE, replaying from the outbox. */
export function openSseHub(deps: Pick<Deps, 'env' | 'log' | 'metrics' | 'database'>): SseHub {
  return new SseHub({
    log: deps.log.child({ fn: 'task-stream' }),
    registry: deps.metrics.registry,
    replay: outboxReplay(deps.database),
    heartbeatMs: deps.env.STREAM_HEARTBEAT_MS,
    coalesceMs: deps.env.STREAM_COALESCE_MS,
    maxBufferedBytes: deps.env.STREAM_MAX_BUFFERED_BYTES,
  });
}
