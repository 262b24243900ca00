import { afterAll, expect, it } from 'vitest';
import { ServerProcess, tempDir } from '../support/server-process';

const servers: ServerProcess[] = [];
afterAll(async () => {
  for (const s of servers) await s.kill('SIGKILL');
});

async function chat(base: string, message: string, conversationId?: string) {
  const res = await fetch(`${base}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message, ...(conversationId ? { conversationId } : {}) }),
  });
  return (await res.json()) as {
    conversationId: string;
    question?: string;
    operations: { intent: string }[];
  };
}

it('a conversation and its pending question survive a restart', async () => {
  const dataDir = tempDir('tw-chat-');
  const first = new ServerProcess({ DATA_DIR: dataDir });
  servers.push(first);
  await first.start();
  const q = await chat(first.base, 'add a task');
  expect(q.question).toBeTruthy();
  const offer = await chat(first.base, 'find me a lasagna recipe');
  expect(offer.operations).toEqual([]);
  await first.stop();
  const second = new ServerProcess({ DATA_DIR: dataDir });
  servers.push(second);
  await second.start();
  const a = await chat(second.base, 'water the plants tomorrow at 9am', q.conversationId);
  expect(a.operations[0]?.intent).toBe('create');
  const conv = (await (await fetch(`${second.base}/api/conversations/${q.conversationId}`)).json()) as {
    messages: unknown[];
  };
  expect(conv.messages).toHaveLength(4);
  // An offer made before the restart is still there to accept.
  const yes = await chat(second.base, 'yes', offer.conversationId);
  expect(yes.operations[0]?.intent).toBe('create');
  await second.stop();
}, 90_000);
