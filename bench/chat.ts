/**
 * Chat round trip with the offline engine: POST /api/chat → reply, on a running embedded server,
 * next to a GET /health round trip measured in the same run (the HTTP floor).
 *
 *   node --import tsx bench/chat.ts [--rounds 300]
 */
import os from 'node:os';
import { ServerProcess, tempDir } from '../test/support/server-process';
import { summarize } from './support/load';

const args = process.argv.slice(2);
const ROUNDS = args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : 300;

const MESSAGES = [
  'Call mom Sunday at 3pm, remind me 15 minutes before',
  'Buy groceries tomorrow',
  'What are my tasks?',
  'Pay rent on the 1st of every month #bills',
  'Submit report due Friday high priority',
  'Change submit report due date to Monday',
  'Mark buy groceries as complete',
  'what is due this week?',
];

async function time(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const stats = (xs: number[]) => summarize(xs, 2);

async function main() {
  console.log(`# ${os.cpus().length}× ${os.cpus()[0]?.model}, Node ${process.version}, ${ROUNDS} rounds`);
  const server = new ServerProcess({
    DATA_DIR: tempDir('tw-bench-chat-'),
    LOG_LEVEL: 'error',
    ANTHROPIC_API_KEY: '',
  });
  await server.start();
  const health: number[] = [];
  const chat: number[] = [];
  for (let i = 0; i < 20; i++) await fetch(`${server.base}/health`).then((r) => r.text());
  for (let i = 0; i < ROUNDS; i++) {
    health.push(await time(async () => void (await (await fetch(`${server.base}/health`)).text())));
    const message = MESSAGES[i % MESSAGES.length]!;
    chat.push(
      await time(async () => {
        const res = await fetch(`${server.base}/api/chat`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ message }),
        });
        if (res.status !== 200) throw new Error(`chat answered ${res.status}`);
        await res.json();
      }),
    );
  }
  await server.stop();
  const h = stats(health);
  const c = stats(chat);
  console.log(JSON.stringify({ bench: 'chat-round-trip', health: h, chat: c }));
  console.log('\n| request | n | p50 ms | p99 ms | max ms |');
  console.log('|---|---|---|---|---|');
  console.log(`| GET /health (floor) | ${h.n} | ${h.p50} | ${h.p99} | ${h.max} |`);
  console.log(`| POST /api/chat (offline engine) | ${c.n} | ${c.p50} | ${c.p99} | ${c.max} |`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
