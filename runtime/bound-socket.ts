/**
 * Listening sockets owned by the multi-process supervisor and handed to its children, so a port is
 * bound, never guessed: the supervisor binds each process's socket before it starts it (port 0: the
 * OS picks a free one; a fixed port: taken now or refused now), the child asks for it over its IPC
 * channel and listens on it, and a restarted child gets the very same socket.
 *
 * The supervisor binds without listening, as Node's own cluster module does for its workers
 * (`net._createServerHandle`, in cluster's `SharedHandle`): a listening socket in the supervisor
 * would take its share of the connections (both processes would accept on it), while a socket that
 * is only bound is never polled there. Once the first child listens, the socket stays in the
 * listening state for as long as the supervisor holds it — also while a crashed child is being
 * restarted: connections wait in the backlog for the next one instead of being refused, and nothing
 * else can take the port meanwhile. Before the first child listens, a port the supervisor holds is
 * never handed to another bind to port 0 (so no two of its processes can share one), but libuv binds
 * with SO_REUSEADDR, so a foreign process binding that very port number explicitly could still win
 * it in that window; the child then fails with EADDRINUSE and the supervisor says so and stops.
 */
import type { ChildProcess } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import { getSystemErrorName } from 'node:util';

/** What the child sends to ask for its socket, and the answer's message (the socket is its handle). */
const ASK = 'taskwire:listen?';
const ANSWER = 'listen';

/** A TCP handle of Node's (`tcp_wrap`): what `child.send` carries and `server.listen` accepts. */
interface TcpHandle {
  getsockname(out: { address?: string; port?: number; family?: string }): number;
  close(): void;
}

type CreateServerHandle = (
  address: string,
  port: number,
  addressType: 4 | 6,
  fd?: number,
  flags?: number,
) => TcpHandle | number;

export class BindError extends Error {
  override name = 'BindError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export interface BoundSocket {
  readonly host: string;
  readonly port: number;
  /** Closes the supervisor's hold: once no child listens on it either, the port is free. */
  close(): void;
}

interface Bound extends BoundSocket {
  readonly handle: TcpHandle;
}

/** Binds (without listening) a TCP socket on `host`:`port`; port 0 lets the OS pick a free one. */
export async function bindSocket(host: string, port: number): Promise<BoundSocket> {
  const create = (net as unknown as { _createServerHandle?: CreateServerHandle })._createServerHandle;
  if (typeof create !== 'function') throw new Error('this Node.js has no net._createServerHandle');
  const address = net.isIP(host) ? host : (await lookup(host)).address;
  const family = net.isIP(address) === 6 ? 6 : 4;
  const refused = (errno: number) => {
    const code = getSystemErrorName(errno);
    const why = code === 'EADDRINUSE' ? 'another process listens on it' : code;
    return new BindError(`cannot bind ${host}:${port}: ${why}`, code);
  };
  const handle = create(address, port, family, undefined, 0);
  if (typeof handle === 'number') throw refused(handle);
  const out: { port?: number } = {};
  // libuv defers a bind's EADDRINUSE to the listen (its "delayed error"), and getsockname reports it.
  const err = handle.getsockname(out);
  if (err) {
    handle.close();
    throw refused(err);
  }
  let closed = false;
  const bound: Bound = {
    host,
    port: out.port!,
    handle,
    close: () => {
      if (closed) return;
      closed = true;
      handle.close();
    },
  };
  return bound;
}

/** Answers `child`'s request for its socket (see `socketFromParent`) with `socket`. */
export function offerSocket(child: ChildProcess, socket: BoundSocket): void {
  child.on('message', (message) => {
    if (message !== ASK || !child.connected) return;
    // A Node TCP handle travels as is ('net.Native'); the typings only list its wrappers.
    child.send(ANSWER, (socket as Bound).handle as unknown as net.Server, (err) => {
      if (err) child.kill('SIGTERM');
    });
  });
}

/** The socket the supervisor bound for this process, asked for over the IPC channel. */
export function socketFromParent(timeoutMs = 30_000): Promise<object> {
  const send = process.send?.bind(process);
  if (!send)
    return Promise.reject(new Error('no IPC channel to a supervisor: LISTEN_SOCKET=supervisor needs one'));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.off('message', onMessage);
      reject(new Error(`the supervisor handed over no socket within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const onMessage = (message: unknown, handle: unknown) => {
      if (message !== ANSWER || !handle) return;
      clearTimeout(timer);
      process.off('message', onMessage);
      resolve(handle);
    };
    process.on('message', onMessage);
    send(ASK);
  });
}

/**
 * Makes `server` listen: on the supervisor's socket when `from` is `supervisor`, else on host:port.
 * Resolves with the port it listens on.
 */
export async function listen(
  server: net.Server,
  where: { host: string; port: number; from?: 'supervisor' | undefined },
): Promise<number> {
  const handle = where.from === 'supervisor' ? await socketFromParent() : undefined;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const listening = () => {
      server.off('error', reject);
      resolve();
    };
    if (handle) server.listen(handle, listening);
    else server.listen(where.port, where.host, listening);
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : where.port;
}
