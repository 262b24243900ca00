import { createECDH, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { pushSubscriptions, pushVapidKeys } from '../../core/db/schema';
import { generateKeyPair } from '../../core/push/crypto';
import { startTestHost, type TestHost } from '../../test/support/harness';

let host: TestHost | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
});

const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');

function browserSubscription(endpoint = `https://push.example.net/send/${randomBytes(8).toString('hex')}`) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    endpoint,
    expirationTime: null,
    keys: { p256dh: b64u(ecdh.getPublicKey()), auth: b64u(randomBytes(16)) },
  };
}

describe('GET /api/push/key', () => {
  it('makes a key pair once, keeps it in the database, and hands out the public key', async () => {
    host = await startTestHost();
    const first = await host.json('/api/push/key');
    expect(first.status).toBe(200);
    const key = Buffer.from(first.body.publicKey, 'base64url');
    expect(key.length).toBe(65);
    expect(key[0]).toBe(4);
    expect((await host.json('/api/push/key')).body.publicKey).toBe(first.body.publicKey);
    const rows = await host.deps.database.db.select().from(pushVapidKeys);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.publicKey).toBe(first.body.publicKey);
    expect(JSON.stringify(first.body)).not.toContain(rows[0]!.privateKey);
  });

  it('uses VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY when they are set, and stores nothing', async () => {
    const pair = generateKeyPair();
    host = await startTestHost({
      env: { VAPID_PUBLIC_KEY: pair.publicKey, VAPID_PRIVATE_KEY: pair.privateKey },
    });
    expect((await host.json('/api/push/key')).body).toEqual({ publicKey: pair.publicKey });
    expect(await host.deps.database.db.select().from(pushVapidKeys)).toHaveLength(0);
  });
});

describe('POST /api/push/subscriptions', () => {
  it('stores a browser subscription (201); the same endpoint again refreshes its keys (200)', async () => {
    host = await startTestHost();
    const sub = browserSubscription();
    const created = await host.json('/api/push/subscriptions', { method: 'POST', json: sub });
    expect(created.status).toBe(201);
    expect(created.body.endpoint).toBe(sub.endpoint);
    const renewed = {
      ...browserSubscription(sub.endpoint),
      expirationTime: Date.parse('2030-01-01T00:00:00Z'),
    };
    const again = await host.json('/api/push/subscriptions', { method: 'POST', json: renewed });
    expect(again.status).toBe(200);
    const rows = await host.deps.database.db.select().from(pushSubscriptions);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      endpoint: sub.endpoint,
      p256dh: renewed.keys.p256dh,
      auth: renewed.keys.auth,
      expirationTime: new Date('2030-01-01T00:00:00Z'),
    });
  });

  const MALFORMED: [string, (s: ReturnType<typeof browserSubscription>) => unknown][] = [
    [
      'endpoint',
      (s: ReturnType<typeof browserSubscription>) => ({ ...s, endpoint: 'http://push.example.net/x' }),
    ],
    ['endpoint', (s: ReturnType<typeof browserSubscription>) => ({ ...s, endpoint: 'not a url' })],
    ['endpoint', ({ endpoint: _, ...s }: ReturnType<typeof browserSubscription>) => s],
    ['keys', ({ keys: _, ...s }: ReturnType<typeof browserSubscription>) => s],
    [
      'keys.p256dh',
      (s: ReturnType<typeof browserSubscription>) => ({ ...s, keys: { ...s.keys, p256dh: 'AAAA' } }),
    ],
    [
      'keys.p256dh',
      (s: ReturnType<typeof browserSubscription>) => {
        const point = Buffer.from(s.keys.p256dh, 'base64url');
        point[0] = 0x02; // a compressed point's prefix: not the uncompressed form browsers send
        return { ...s, keys: { ...s.keys, p256dh: b64u(point) } };
      },
    ],
    [
      'keys.p256dh',
      (s: ReturnType<typeof browserSubscription>) => ({ ...s, keys: { ...s.keys, p256dh: 'a+b/c' } }),
    ],
    [
      'keys.auth',
      (s: ReturnType<typeof browserSubscription>) => ({
        ...s,
        keys: { ...s.keys, auth: b64u(randomBytes(8)) },
      }),
    ],
    ['expirationTime', (s: ReturnType<typeof browserSubscription>) => ({ ...s, expirationTime: 'soon' })],
  ];

  it('a malformed subscription is a 400 problem naming the field, and nothing is stored', async () => {
    host = await startTestHost();
    for (const [field, spoil] of MALFORMED) {
      const sent = spoil(browserSubscription());
      const res = await host.json('/api/push/subscriptions', { method: 'POST', json: sent });
      expect(res.status, JSON.stringify(sent)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(
        res.body.errors.map((e: { field: string }) => e.field),
        JSON.stringify(sent),
      ).toContain(field);
    }
    const notJson = await host.request('/api/push/subscriptions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"endpoint":',
    });
    expect(notJson.status).toBe(400);
    expect(await host.deps.database.db.select().from(pushSubscriptions)).toHaveLength(0);
  });

  it('a well-formed key that is not a point on the curve is a 422 problem naming it (no document can state that rule)', async () => {
    host = await startTestHost();
    const sub = browserSubscription();
    const point = Buffer.from(sub.keys.p256dh, 'base64url');
    point[64] = point[64]! ^ 1; // off the curve, same shape
    const res = await host.json('/api/push/subscriptions', {
      method: 'POST',
      json: { ...sub, keys: { ...sub.keys, p256dh: b64u(point) } },
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['keys.p256dh']);
    expect(await host.deps.database.db.select().from(pushSubscriptions)).toHaveLength(0);
  });
});

describe('DELETE /api/push/subscriptions', () => {
  it('removes the subscription with that endpoint (204), and answers 204 again when it is gone', async () => {
    host = await startTestHost();
    const keep = browserSubscription();
    const drop = browserSubscription();
    for (const s of [keep, drop]) await host.json('/api/push/subscriptions', { method: 'POST', json: s });
    const del = () =>
      host!.request('/api/push/subscriptions', { method: 'DELETE', json: { endpoint: drop.endpoint } });
    expect((await del()).status).toBe(204);
    expect((await del()).status).toBe(204);
    const rows = await host.deps.database.db.select().from(pushSubscriptions);
    expect(rows.map((r) => r.endpoint)).toEqual([keep.endpoint]);
  });

  it('without an endpoint it is a 400 naming it', async () => {
    host = await startTestHost();
    const res = await host.json('/api/push/subscriptions', { method: 'DELETE', json: {} });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('endpoint');
  });
});

it('the push routes are in the OpenAPI document with their schemas', async () => {
  host = await startTestHost();
  const doc = (await host.json('/api/openapi.json')).body;
  expect(Object.keys(doc.paths['/api/push/key'])).toEqual(['get']);
  expect(Object.keys(doc.paths['/api/push/subscriptions']).sort()).toEqual(['delete', 'post']);
  const post = doc.paths['/api/push/subscriptions'].post;
  expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['200', '201']));
  const schema = JSON.stringify(post.requestBody);
  for (const name of ['endpoint', 'p256dh', 'auth']) expect(schema).toContain(name);
  expect(JSON.stringify(doc.paths['/api/push/subscriptions'].delete.requestBody)).toContain('endpoint');
});
