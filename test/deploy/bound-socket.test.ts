/**
 * Ports are bound, never guessed (issue 11): the multi-process supervisor binds each process's socket
 * (runtime/bound-socket.ts) and hands it over the child's IPC channel. Real sockets, real child
 * processes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BindError, type BoundSocket, bindSocket, offerSocket } from '../../runtime/bound-socket';
import { ROOT } from '../support/server-process';

const CHILD = path.join(ROOT, 'test', 'deploy', 'fixtures', 'socket-child.ts');
const held: BoundSocket[] = [];
const children: ChildProcess[] = [];
const servers: net.Server[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const s of held.splice(0)) s.close();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function bind(port = 0): Promise<BoundSocket> {
  const socket = await bindSocket('127.0.0.1', port);
  held.push(socket);
  return socket;
}

/** Starts a child that asks for `socket`; resolves with it and the port it listens on. */
async function startChild(socket: BoundSocket): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  offerSocket(child, socket);
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (m) => {
      if (m && typeof m === 'object' && 'listening' in m) resolve(Number(m.listening));
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`child exited (${code ?? signal}) before listening`)),
    );
  });
  return { child, port };
}

/** Listens on 127.0.0.1:`port` from this process: the error code it gets, or 'listening'. */
function tryListen(port: number): Promise<string> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    server.listen(port, '127.0.0.1', () => {
      servers.push(server);
      resolve('listening');
    });
  });
}

/** One HTTP/1.0 GET over a raw socket, connected now, written when `write` resolves: the body. */
function rawGet(port: number): { connected: Promise<void>; body: Promise<string> } {
  const socket = net.connect(port, '127.0.0.1');
  const connected = new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  const body = connected.then(
    () =>
      new Promise<string>((resolve, reject) => {
        let text = '';
        socket.setEncoding('utf8');
        socket.on('data', (d: string) => {
          text += d;
        });
        socket.on('end', () => resolve(text.slice(text.indexOf('\r\n\r\n') + 4)));
        socket.on('error', reject);
        socket.write('GET / HTTP/1.0\r\nHost: x\r\n\r\n');
      }),
  );
  return { connected, body };
}

describe('ports are bound by the supervisor, not guessed', () => {
  it('sockets bound side by side get distinct ports, which a port-0 listener elsewhere never gets', async () => {
    const sockets = await Promise.all(Array.from({ length: 16 }, () => bind()));
    const ports = sockets.map((s) => s.port);
    expect(ports.every((p) => p > 0)).toBe(true);
    expect(new Set(ports).size).toBe(ports.length);
    for (let i = 0; i < 32; i++) {
      const server = net.createServer();
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      servers.push(server);
      expect(ports).not.toContain((server.address() as net.AddressInfo).port);
    }
  });

  it('a child listens on the socket handed over IPC; the port stays taken while it is restarted, and the next child serves the connections made meanwhile', async () => {
    const socket = await bind();
    const first = await startChild(socket);
    expect(first.port).toBe(socket.port);
    expect(await rawGet(socket.port).body).toBe(String(first.child.pid));
    expect(await tryListen(socket.port)).toBe('EADDRINUSE');

    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    // Nobody listens now, but the supervisor's hold keeps the socket listening: the port cannot be
    // taken, and a connection made now waits in the backlog instead of being refused.
    expect(await tryListen(socket.port)).toBe('EADDRINUSE');
    const meanwhile = rawGet(socket.port);
    await meanwhile.connected;

    const second = await startChild(socket);
    expect(second.port).toBe(socket.port);
    expect(second.child.pid).not.toBe(first.child.pid);
    expect(await meanwhile.body).toBe(String(second.child.pid));
  });

  it('a port another process listens on is refused at bind time, with the reason', async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    servers.push(taken);
    const port = (taken.address() as net.AddressInfo).port;
    const err = await bindSocket('127.0.0.1', port).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BindError);
    expect(err).toMatchObject({ code: 'EADDRINUSE' });
    expect((err as Error).message).toBe(`cannot bind 127.0.0.1:${port}: another process listens on it`);
  });
});
