import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../../core/config/env';
import { startTestHost, type TestHost } from '../support/harness';

describe('binding beyond loopback needs a token', () => {
  it('refuses to start on 0.0.0.0 without AUTH_TOKEN, naming the setting', () => {
    expect(() => parseEnv({ HOST: '0.0.0.0' })).toThrow(ConfigError);
    expect(() => parseEnv({ HOST: '0.0.0.0' })).toThrow(/AUTH_TOKEN/);
    expect(parseEnv({ HOST: '0.0.0.0', AUTH_TOKEN: 's3cret-token' }).isLoopback).toBe(false);
    expect(parseEnv({}).HOST).toBe('127.0.0.1');
  });

  it('names every bad setting', () => {
    expect(() => parseEnv({ PORT: 'eighty', LOG_LEVEL: 'loud' })).toThrow(
      /PORT[\s\S]*LOG_LEVEL|LOG_LEVEL[\s\S]*PORT/,
    );
  });
});

describe('with AUTH_TOKEN set', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost({ env: { AUTH_TOKEN: 'let-me-in-please' } });
  });
  afterAll(async () => host.stop());

  it('answers 401 problem+json to /api requests without the token or with a wrong one', async () => {
    const none = await host.json('/api/tasks');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const wrong = await host.json('/api/tasks', { headers: { authorization: 'Bearer let-me-in-pleasX' } });
    expect(wrong.status).toBe(401);
  });

  it('serves /api with the bearer token (or access_token for EventSource)', async () => {
    expect(
      (await host.json('/api/tasks', { headers: { authorization: 'Bearer let-me-in-please' } })).status,
    ).toBe(200);
    expect((await host.json('/api/tasks?access_token=let-me-in-please')).status).toBe(200);
  });

  it('keeps probes open for the orchestrator', async () => {
    expect((await host.json('/health')).status).toBe(200);
    expect((await host.json('/ready')).status).toBe(200);
  });
});
