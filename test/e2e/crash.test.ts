import { afterEach, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/harness';
import { ServerProcess, tempDir } from '../support/server-process';

const servers: ServerProcess[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.kill('SIGKILL');
});

async function waitFor<T>(what: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await what();
  while (!ok(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    last = await what();
  }
  return last;
}

async function crashDuringBurst(env: Record<string, string>) {
  const first = new ServerProcess(env);
  servers.push(first);
  await first.start();
  const acknowledged: string[] = [];
  let stop = false;
  const worker = async (w: number) => {
    for (let i = 0; !stop; i++) {
      try {
        const res = await fetch(`${first.base}/api/tasks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ title: `burst ${w}-${i}` }),
        });
        if (res.status === 201) acknowledged.push(((await res.json()) as { id: string }).id);
      } catch {
        return; // the server died under us: whatever got no 201 was never promised
      }
    }
  };
  const workers = Array.from({ length: 16 }, (_, w) => worker(w));
  await waitFor(
    async () => acknowledged.length,
    (n) => n >= 150,
    30_000,
  );
  await first.kill('SIGKILL');
  stop = true;
  await Promise.all(workers);
  expect(acknowledged.length).toBeGreaterThanOrEqual(150);

  const second = new ServerProcess({ ...env, PORT: '' });
  delete second.env.PORT;
  servers.push(second);
  await second.start();
  const audited = async () => {
    const res = await fetch(`${second.base}/api/audit?type=dev.taskwire.task.created.v1&limit=200`);
    let body = (await res.json()) as { entries: { entityId: string }[]; nextBefore: number | null };
    const all = [...body.entries];
    while (body.nextBefore) {
      body = (await (
        await fetch(
          `${second.base}/api/audit?type=dev.taskwire.task.created.v1&limit=200&before=${body.nextBefore}`,
        )
      ).json()) as typeof body;
      all.push(...body.entries);
    }
    return all;
  };
  const entries = await waitFor(
    audited,
    (e) => acknowledged.every((id) => e.some((x) => x.entityId === id)),
    20_000,
  );
  for (const id of acknowledged) {
    const res = await fetch(`${second.base}/api/tasks/${id}`);
    expect(res.status, `task ${id} got a 201 but is gone`).toBe(200);
    expect(
      entries.filter((e) => e.entityId === id),
      `task.created audits of ${id}`,
    ).toHaveLength(1);
  }
  await second.stop();
}

describe('crash safety: SIGKILL in the middle of a burst of creates', () => {
  it('on PGlite, every task that got a 201 exists after restart with exactly one task.created audited', async () => {
    await crashDuringBurst({ DATA_DIR: tempDir('tw-crash-') });
  }, 120_000);

  it('on PostgreSQL, the same holds', async () => {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) throw new Error('TEST_DATABASE_URL is not set');
    await crashDuringBurst({ DATABASE_URL: await freshDatabase(url) });
  }, 120_000);
});
