import { connect } from 'node:net';
import { expect, it } from 'vitest';
import { startSmtp } from './smtp';

it('a client reset in the middle of a mail transaction is recorded, not thrown', async () => {
  const smtp = await startSmtp();
  const { port } = new URL(smtp.url);
  const socket = connect(Number(port), '127.0.0.1');
  socket.on('error', () => {});
  let seen = '';
  const waitFor = (text: string) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (seen.includes(text)) {
          socket.off('data', onData);
          resolve();
        }
      };
      const onData = (chunk: Buffer) => {
        seen += chunk.toString();
        check();
      };
      socket.on('data', onData);
      check();
    });
  await waitFor('220 ');
  socket.write('EHLO test\r\n');
  await waitFor('250 ');
  seen = '';
  socket.write('MAIL FROM:<a@example.test>\r\n');
  await waitFor('250 ');
  socket.resetAndDestroy();
  const deadline = Date.now() + 5_000;
  while (smtp.errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(smtp.errors.map((e) => (e as Error & { code?: string }).code)).toContain('ECONNRESET');
  await smtp.close();
});
