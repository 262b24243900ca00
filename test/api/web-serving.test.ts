import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../core/observability/logger';
import { createMetrics } from '../../core/observability/metrics';
import { FUNCTIONS } from '../../functions';
import { createHost, type Host, WEB_DIST } from '../../runtime/host';
import { testDatabase, testEnv } from '../support/harness';
import { tempDir } from '../support/server-process';

let host: Host;
const script = `console.log(${JSON.stringify('taskwire '.repeat(400))});`;
beforeAll(async () => {
  const dir = tempDir('tw-webdist-');
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Taskwire</title><div id="root"></div>');
  writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), script);
  host = await createHost({
    env: testEnv({ SERVE_WEB: 'true' }),
    functions: FUNCTIONS,
    database: await testDatabase(),
    log: createLogger({ level: 'silent' }),
    metrics: createMetrics(),
    runTicks: false,
    webDir: dir,
  });
});
afterAll(async () => host.stop());

it('serves the built app from web/dist of this repository by default', () => {
  expect(WEB_DIST).toBe(path.resolve(import.meta.dirname, '../../web/dist'));
});

it('serves the app shell for client routes, never over the API', async () => {
  const page = await host.app.request('/tasks/123');
  expect(page.status).toBe(200);
  expect(page.headers.get('cache-control')).toBe('no-cache');
  expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');

  expect(await page.text()).toContain('<title>Taskwire</title>');
  const api = await host.app.request('/api/nothing');
  expect(api.status).toBe(404);
  expect(api.headers.get('content-type')).toContain('application/problem+json');
  expect((await host.app.request('/health')).headers.get('content-type')).toContain('application/json');
});

it('serves hashed assets gzipped and cached for a year', async () => {
  const gz = await host.app.request('/assets/index-abc123.js', {
    headers: { 'accept-encoding': 'gzip, br' },
  });
  expect(gz.status).toBe(200);
  expect(gz.headers.get('content-encoding')).toBe('gzip');
  expect(gz.headers.get('cache-control')).toContain('immutable');
  expect(Number((await gz.arrayBuffer()).byteLength)).toBeLessThan(script.length / 4);
  const plain = await host.app.request('/assets/index-abc123.js');
  expect(plain.headers.get('content-encoding')).toBeNull();
  expect(await plain.text()).toBe(script);
  expect((await host.app.request('/assets/missing.js')).status).toBe(404);
});
