import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ROOT, ServerProcess, tempDir } from '../support/server-process';

it('npm start runs the embedded runtime from its compiled bundle: it serves, migrates and stops cleanly', async () => {
  // The script `npm start` runs; it builds dist/embedded when missing or stale.
  const server = new ServerProcess(
    { DATA_DIR: tempDir('tw-bundle-'), LOG_LEVEL: 'info' },
    'scripts/start-embedded.mjs',
  );
  await server.start(180_000);
  const bundle = path.join(ROOT, 'dist', 'embedded', 'main.mjs');
  expect(existsSync(bundle)).toBe(true);
  // Migrations are found from the bundle (a task can be written), and the event reaches the audit trail.
  const res = await fetch(`${server.base}/api/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'from the bundle' }),
  });
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: string };
  let entries: unknown[] = [];
  for (let i = 0; i < 100 && entries.length === 0; i++) {
    const audit = await fetch(`${server.base}/api/audit?entityId=${id}`);
    entries = ((await audit.json()) as { entries: unknown[] }).entries;
    if (entries.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
  expect(entries).toHaveLength(1);
  // The signal reaches the server itself: it drains and exits 0.
  expect(await server.kill('SIGTERM')).toBe(0);
  const log = readFileSync(server.logFile, 'utf8');
  expect(log).toContain('"startupMs"');
  expect(log).toContain('"message":"stopped cleanly"');
});
