import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestHost } from '../test/support/harness';
import { type Acceptors, addAcceptors } from './acceptors';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function listening(server: net.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  );
}

/**
 * Opens `connections` connections to `port` while this thread is blocked (the kernel completes the
 * handshakes and queues them), then counts how many `server` accepts in each event-loop turn after.
 */
async function acceptsPerTurn(server: net.Server, port: number, connections: number): Promise<number[]> {
  let accepted = 0;
  const onConnection = () => accepted++;
  server.on('connection', onConnection);
  const sockets: net.Socket[] = [];
  const turns: number[] = [];
  try {
    await new Promise<void>((resolve) => {
      for (let i = 0; i < connections; i++) {
        const s = net.connect(port, '127.0.0.1');
        s.on('error', () => {});
        sockets.push(s);
      }
      // The connects go out on the next tick; block after them, before any accept can run.
      setImmediate(() => {
        const until = performance.now() + 200;
        while (performance.now() < until) {}
        accepted = 0;
        const turn = () => {
          turns.push(accepted);
          accepted = 0;
          if (turns.reduce((a, b) => a + b, 0) >= connections || turns.length > 5 * connections) resolve();
          else setImmediate(turn);
        };
        setImmediate(turn);
      });
    });
  } finally {
    server.off('connection', onConnection);
    for (const s of sockets) s.destroy();
  }
  return turns.filter((n) => n > 0);
}

describe('extra acceptors on a listening socket', () => {
  it('a lone handle accepts one connection per event-loop turn; with 8 handles, 8', async () => {
    const alone = net.createServer((s) => s.destroy());
    const alonePort = await listening(alone);
    cleanups.push(() => new Promise<void>((r) => alone.close(() => r())));
    // libuv's own behaviour, the reason for the extra handles: queued connections come in one a turn.
    expect((await acceptsPerTurn(alone, alonePort, 12)).slice(0, 3)).toEqual([1, 1, 1]);

    const server = net.createServer((s) => s.destroy());
    const port = await listening(server);
    const acceptors = addAcceptors(server, 8);
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    cleanups.push(() => acceptors.close());
    await acceptors.ready;
    expect(acceptors.count).toBe(8);
    const turns = await acceptsPerTurn(server, port, 20);
    expect(turns.reduce((a, b) => a + b, 0)).toBe(20);
    expect(turns[0]).toBe(8);
    expect(Math.max(...turns)).toBe(8);
  });

  it('every handle hands its connections to the HTTP server, and close() stops them all', async () => {
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () =>
        res.writeHead(200, { 'content-type': 'text/plain' }).end(`${req.socket.remotePort}`),
      );
    });
    const port = await listening(server);
    const acceptors: Acceptors = addAcceptors(server, 4);
    await acceptors.ready;
    expect(acceptors.count).toBe(4);

    const get = () =>
      new Promise<number>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          })
          .on('error', reject);
      });
    const statuses = await Promise.all(Array.from({ length: 40 }, get));
    expect(statuses).toEqual(Array(40).fill(200));

    acceptors.close();
    expect(acceptors.count).toBe(1);
    await new Promise<void>((r) => server.close(() => r()));
    // Had any duplicate stayed open, the socket would still listen and take the connection.
    await expect(get()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('one handle asked for: no helper, nothing added', async () => {
    const server = net.createServer();
    await listening(server);
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const acceptors = addAcceptors(server, 1);
    await acceptors.ready;
    expect(acceptors.count).toBe(1);
  });

  it('the embedded host listens with HTTP_ACCEPTORS handles', async () => {
    const host = await startTestHost({ env: { HTTP_ACCEPTORS: '6' } });
    cleanups.push(() => host.stop());
    const { port, server, acceptors } = await host.listen();
    await acceptors.ready;
    expect(acceptors.count).toBe(6);
    const turns = await acceptsPerTurn(server, port, 12);
    expect(turns[0]).toBe(6);
  });
});
