import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ServerProcess, tempDir } from '../support/server-process';

let server: ServerProcess;
beforeAll(async () => {
  server = new ServerProcess({ DATA_DIR: tempDir('tw-limits-') });
  await server.start();
});
afterAll(async () => server.stop());

/** Sends the whole request before reading anything, like many simple clients do. */
function rawRequest(port: number, head: string, body: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => {
      answer += d.toString();
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.write(head);
    socket.end(body);
  });
}

it('answers an oversized body with 413 problem+json even when the client sends it all first', async () => {
  const body = Buffer.from(JSON.stringify({ title: 'x'.repeat(2_000_000) }));
  const port = Number(new URL(server.base).port);
  const answer = await rawRequest(
    port,
    `POST /api/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
    body,
  );
  expect(answer).toMatch(/^HTTP\/1\.1 413/);
  expect(answer).toContain('application/problem+json');
  expect(answer).toContain('"field":"(body)"');
});
