import { afterEach, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../support/harness';
import { openStream } from '../support/sse';

let host: TestHost;
let base: string;
const streams: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  for (const s of streams.splice(0)) await s.close();
  await host?.stop();
});

async function start(env: Record<string, string> = {}) {
  host = await startTestHost({ env: { STREAM_HEARTBEAT_MS: '200', ...env } });
  base = (await host.listen()).url;
}
async function stream(headers: Record<string, string> = {}) {
  const s = await openStream(`${base}/api/stream`, headers);
  streams.push(s);
  await s.waitFor((e) => e.event === 'hello');
  return s;
}
async function create(title: string) {
  return (await host.json('/api/tasks', { method: 'POST', json: { title } })).body as {
    id: string;
    version: number;
  };
}
const gauge = async () =>
  Number(/taskwire_sse_connections (\d+)/.exec(await (await host.request('/metrics')).text())?.[1]);

describe('live updates over real HTTP: the SSE transport, fed through the whole host', () => {
  it('coalesces a burst of changes into one message with the newest version of each task', async () => {
    await start({ STREAM_COALESCE_MS: '150' });
    const s = await stream();
    const t = await create('Draft');
    await Promise.all(
      [1, 2, 3, 4].map((i) =>
        host.json(`/api/tasks/${t.id}`, { method: 'PATCH', json: { description: `v${i}` } }),
      ),
    );
    const other = await create('Other');
    await s.waitFor((e) => e.event === 'update' && e.data!.includes(other.id));
    await host.settle();
    await new Promise((r) => setTimeout(r, 300));
    const messages = s.events.filter((e) => e.event === 'update');
    expect(messages.length).toBeLessThan(4);
    const forDraft = s.updates().filter((u) => u.taskId === t.id);
    expect(forDraft.at(-1)!.sequence).toBe(5);
    for (const m of messages) {
      const ids = JSON.parse(m.data!).updates.map((u: { taskId: string }) => u.taskId);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('sends heartbeats, counts connections in /metrics and forgets closed ones', async () => {
    await start();
    const a = await stream();
    const b = await stream();
    await a.waitFor((e) => e.comment === 'heartbeat', 2000);
    expect(await gauge()).toBe(2);
    await a.close();
    await b.close();
    for (let i = 0; i < 40 && (await gauge()) !== 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await gauge()).toBe(0);
  });

  it('works without a Node response too (a web ReadableStream), and drops a client that stops reading', async () => {
    await start({ STREAM_MAX_BUFFERED_BYTES: '4000', STREAM_COALESCE_MS: '0' });
    const res = await host.request('/api/stream');
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain(': welcome');
    expect(await gauge()).toBe(1);
    // Stop reading, and let changes pile up past the limit.
    for (let i = 0; i < 15; i++) {
      await create(`Pile ${i} ${'x'.repeat(300)}`);
      await host.settle();
    }
    expect(await gauge()).toBe(0);
    await reader.cancel();
  });

  it('carries notifications on the same stream', async () => {
    await start();
    const s = await stream();
    await host.json('/api/tasks', {
      method: 'POST',
      json: {
        title: 'Soon',
        due: new Date(Date.now() + 60_500).toISOString(),
        reminders: [{ minutesBefore: 1 }],
      },
    });
    await host.settle();
    await new Promise((r) => setTimeout(r, 600));
    await host.tick('fire-reminders');
    await host.settle();
    const ev = await s.waitFor((e) => e.event === 'update' && e.data!.includes('"notification"'));
    expect(JSON.parse(ev.data!).updates[0]).toMatchObject({
      kind: 'notification',
      notification: { title: 'Soon', kind: 'reminder' },
    });
  });
});
