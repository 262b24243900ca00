/**
 * Accepting more than one new connection per event-loop turn.
 *
 * libuv accepts one connection per listening handle per loop iteration (since libuv 1.45,
 * libuv/libuv#3696; Node 20 ships 1.46), and relies on the socket staying readable for the next.
 * A turn under load is long — on PGlite the database runs in this very thread, ~100 ms a turn at
 * 500 connections — so a burst of new connections drains from the kernel's accept queue at one a
 * turn: in bench/tail-split.ts the last of 500 waited 9 s before its first request was read, and
 * with a queue already full (511) the kernel dropped handshakes, which clients resend after 1, 3
 * and 7 s. The connections that did get in meanwhile were served in milliseconds.
 *
 * Each further handle on the same listening socket accepts one more per turn. Node 20 cannot open a
 * second socket on the port (no SO_REUSEPORT before Node 22.12), so they are duplicates of the
 * socket's file descriptor, made the one way Node offers: a handle sent over an IPC channel arrives
 * as a new descriptor of the same socket (SCM_RIGHTS). A short-lived helper process sends each
 * straight back, and exits. Every handle wakes for each new connection — one accepts it, the others
 * find the queue empty (~2 µs each) — so the count trades a little CPU per connection for how fast
 * a burst gets in; nothing changes for connections already open.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';

/** The helper: sends every handle it is sent straight back, and exits when the channel closes. */
const ECHO = `process.on('message', (m, h) => { if (h) process.send(m, h, () => h.close()); });
process.on('disconnect', () => process.exit(0));`;

export interface Acceptors {
  /** Listening handles on the socket, the server's own included (1 until the duplicates arrive). */
  readonly count: number;
  /** Resolves once the duplicates listen (or could not be made: then `count` stays 1). */
  readonly ready: Promise<void>;
  /** Stops the extra handles accepting; the server's own handle is the server's to close. */
  close(): void;
}

interface ServerOptions {
  allowHalfOpen?: boolean;
  noDelay?: boolean;
  keepAlive?: boolean;
  keepAliveInitialDelay?: number;
  highWaterMark?: number;
}

/**
 * Adds `total - 1` handles to listening `server`'s socket, each handing what it accepts to `server`
 * (its 'connection' event, as its own handle does). Never throws: if the duplicates cannot be made,
 * `onError` hears why and the server accepts as before.
 */
export function addAcceptors(
  server: net.Server,
  total: number,
  onError: (err: Error) => void = () => {},
  timeoutMs = 10_000,
): Acceptors {
  const extras: net.Server[] = [];
  let closed = false;
  const handle = (server as unknown as { _handle?: object | null })._handle;
  const wanted = Math.max(0, Math.floor(total) - 1);
  const acceptors: Acceptors = {
    get count() {
      return 1 + extras.length;
    },
    ready: Promise.resolve(),
    close() {
      closed = true;
      for (const extra of extras.splice(0)) extra.close();
    },
  };
  if (wanted === 0 || !handle || process.platform === 'win32') return acceptors;

  const options = server as unknown as ServerOptions;
  const adopt = (dup: object) => {
    if (closed) {
      (dup as { close(): void }).close();
      return;
    }
    const extra = new net.Server({
      allowHalfOpen: options.allowHalfOpen ?? false,
      noDelay: options.noDelay ?? false,
      keepAlive: options.keepAlive ?? false,
      keepAliveInitialDelay: options.keepAliveInitialDelay ?? 0,
      ...(options.highWaterMark ? { highWaterMark: options.highWaterMark } : {}),
    });
    extra.on('connection', (socket) => server.emit('connection', socket));
    extra.on('error', (err) => onError(err));
    extra.listen(dup);
    extras.push(extra);
  };

  (acceptors as { ready: Promise<void> }).ready = new Promise<void>((resolve) => {
    // No NODE_OPTIONS (a loader or preload of ours) and no inherited descriptors: a bare Node.
    const helper = spawn(process.execPath, ['-e', ECHO], {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      env: {},
    });
    let received = 0;
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) onError(err);
      // Disconnecting with a handle still on its way trips an assertion inside Node (its ACK finds
      // no channel); a killed helper's channel just ends.
      if (received === wanted && helper.connected) helper.disconnect();
      else helper.kill('SIGKILL');
      resolve();
    };
    const timer = setTimeout(
      () => finish(new Error(`${received} of ${wanted} extra acceptors within ${timeoutMs} ms`)),
      timeoutMs,
    );
    timer.unref();
    // Neither the helper nor its channel keeps a stopping process alive.
    helper.unref();
    helper.channel?.unref();
    helper.on('error', (err) => finish(err));
    helper.on('exit', (code) => {
      if (received < wanted)
        finish(new Error(`the acceptor helper exited (${code}) after ${received} of ${wanted}`));
    });
    helper.on('message', (_m, dup) => {
      if (!dup) return;
      adopt(dup as object);
      if (++received === wanted) finish();
    });
    for (let i = 0; i < wanted && !closed; i++) helper.send('dup', handle as net.Server);
  });
  return acceptors;
}
