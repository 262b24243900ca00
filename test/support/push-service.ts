/**
 * A local push service speaking the Web Push protocol (RFC 8030) over real HTTPS, standing in for
 * the browsers' push services we cannot reach from here. It plays both the push service and the
 * browser's part: it issues subscriptions (a P-256 key pair and an auth secret per subscription,
 * as a browser makes), and for every push it
 * - checks the VAPID `Authorization` (RFC 8292): the ES256 signature against the `k=` key, `aud` =
 *   its own origin, `exp` in the future and within 24 hours, `sub` a mailto:/https: contact;
 * - checks `TTL` and `Content-Encoding: aes128gcm`;
 * - decrypts the body (RFC 8188 / RFC 8291) with the subscription's private key and auth secret.
 *
 * The decryption is written here from the RFCs on node:crypto (HMAC-based HKDF spelt out), apart
 * from the code under test, so a shared mistake cannot make the two agree.
 * The certificate comes from a CA made for the run (`makeTestCa`): the server under test trusts it
 * only through the system's settings (`NODE_EXTRA_CA_CERTS`).
 */
import { execFileSync } from 'node:child_process';
import {
  createDecipheriv,
  createECDH,
  createHmac,
  createPublicKey,
  type ECDH,
  randomBytes,
  verify,
} from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestCa {
  dir: string;
  /** PEM of the CA certificate: what NODE_EXTRA_CA_CERTS points at. */
  caFile: string;
  ca: string;
  /** The server's key and certificate (SAN: 127.0.0.1, localhost), signed by the CA. */
  key: string;
  cert: string;
}

/** A throwaway CA and a server certificate for 127.0.0.1, made with openssl. */
export function makeTestCa(): TestCa {
  const dir = mkdtempSync(path.join(tmpdir(), 'tw-ca-'));
  const f = (name: string) => path.join(dir, name);
  /** openssl with `args` split on spaces (none of the values here contain one, but the subject). */
  const openssl = (args: string, ...rest: string[]) =>
    execFileSync('openssl', [...args.split(' '), ...rest], { cwd: dir, stdio: 'pipe' });
  openssl('ecparam -name prime256v1 -genkey -noout -out ca.key');
  openssl(
    'req -x509 -new -key ca.key -sha256 -days 2 -out ca.pem',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-subj',
    '/CN=Taskwire test push CA',
  );
  openssl('ecparam -name prime256v1 -genkey -noout -out server.key');
  openssl('req -new -key server.key -subj /CN=127.0.0.1 -out server.csr');
  writeFileSync(
    f('server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n',
  );
  openssl(
    'x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -sha256 -extfile server.ext -out server.pem',
  );
  return {
    dir,
    caFile: f('ca.pem'),
    ca: readFileSync(f('ca.pem'), 'utf8'),
    key: readFileSync(f('server.key'), 'utf8'),
    cert: readFileSync(f('server.pem'), 'utf8'),
  };
}

/** What a browser hands the app (`PushSubscription.toJSON()`), plus what stays in the browser. */
export interface IssuedSubscription {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
  /** The browser's side: never leaves it. */
  privateKey: ECDH;
}

export interface ReceivedPush {
  subscriptionId: string;
  /** Date.now() when the request had been read in full. */
  at: number;
  payload: unknown;
  plaintext: string;
  ttl: number;
  urgency: string | undefined;
  topic: string | undefined;
  jwt: { header: Record<string, unknown>; claims: Record<string, unknown> };
  /** Bytes of padding after the delimiter. */
  padding: number;
  recordSize: number;
  /** What we answered. */
  status: number;
}

export interface RejectedPush {
  subscriptionId: string;
  reason: string;
}

const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const unb64u = (s: string) => Buffer.from(s, 'base64url');

/** HKDF (RFC 5869) spelt out with HMAC-SHA-256: extract, then expand to `length` ≤ 32 bytes. */
function hkdf(salt: Buffer, ikm: Buffer, info: Buffer, length: number): Buffer {
  const prk = createHmac('sha256', salt).update(ikm).digest();
  return createHmac('sha256', prk)
    .update(Buffer.concat([info, Buffer.from([1])]))
    .digest()
    .subarray(0, length);
}

/**
 * Decrypts an `aes128gcm` push body for the subscription whose private key and auth secret are
 * given (RFC 8291 §3-4, RFC 8188 §2). Throws on anything malformed or tampered with.
 */
export function decryptPush(
  body: Buffer,
  ua: { privateKey: ECDH; auth: string },
): { plaintext: Buffer; padding: number; recordSize: number } {
  if (body.length < 21) throw new Error('body shorter than the aes128gcm header');
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idlen = body[20]!;
  if (idlen !== 65) throw new Error(`keyid is ${idlen} bytes, expected the sender's 65-byte public key`);
  const asPublic = body.subarray(21, 21 + idlen);
  const ciphertext = body.subarray(21 + idlen);
  if (ciphertext.length > recordSize) throw new Error('more than one record: a push is a single record');
  if (recordSize < 18) throw new Error('record size below 18');
  const uaPublic = ua.privateKey.getPublicKey();
  const ecdhSecret = ua.privateKey.computeSecret(asPublic);
  const ikm = hkdf(
    unb64u(ua.auth),
    ecdhSecret,
    Buffer.concat([Buffer.from('WebPush: info', 'ascii'), Buffer.from([0]), uaPublic, asPublic]),
    32,
  );
  const cek = hkdf(salt, ikm, Buffer.from('Content-Encoding: aes128gcm\u0000', 'ascii'), 16);
  const nonce = hkdf(salt, ikm, Buffer.from('Content-Encoding: nonce\u0000', 'ascii'), 12);
  const tag = ciphertext.subarray(ciphertext.length - 16);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(tag);
  const record = Buffer.concat([
    decipher.update(ciphertext.subarray(0, ciphertext.length - 16)),
    decipher.final(),
  ]);
  let end = record.length - 1;
  while (end >= 0 && record[end] === 0) end--;
  if (end < 0 || record[end] !== 2)
    throw new Error('the record does not end with the last-record delimiter 0x02');
  return { plaintext: record.subarray(0, end), padding: record.length - end - 1, recordSize };
}

/**
 * Verifies a VAPID `Authorization` header (RFC 8292): returns the JWT's header and claims, or throws
 * saying what is wrong. `origin` is the push service's own origin, the audience it must name.
 */
export function verifyVapid(
  authorization: string | undefined,
  origin: string,
  nowMs = Date.now(),
): { header: Record<string, unknown>; claims: Record<string, unknown>; publicKey: string } {
  const m = /^vapid\s+(.+)$/i.exec(authorization ?? '');
  if (!m) throw new Error('Authorization is not of the vapid scheme');
  const params = new Map<string, string>();
  for (const part of m[1]!.split(',')) {
    const eq = part.indexOf('=');
    params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const token = params.get('t');
  const k = params.get('k');
  if (!token || !k) throw new Error('vapid needs t= and k=');
  const [h, c, s] = token.split('.');
  if (!h || !c || !s) throw new Error('t is not a JWS compact serialisation');
  const header = JSON.parse(unb64u(h).toString('utf8')) as Record<string, unknown>;
  const claims = JSON.parse(unb64u(c).toString('utf8')) as Record<string, unknown>;
  if (header.alg !== 'ES256') throw new Error(`alg is ${String(header.alg)}, expected ES256`);
  const point = unb64u(k);
  if (point.length !== 65 || point[0] !== 4) throw new Error('k is not an uncompressed P-256 point');
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33)) },
    format: 'jwk',
  });
  const signature = unb64u(s);
  if (signature.length !== 64) throw new Error('the ES256 signature is not 64 bytes (r||s)');
  if (!verify('sha256', Buffer.from(`${h}.${c}`), { key, dsaEncoding: 'ieee-p1363' }, signature)) {
    throw new Error('the JWT signature does not verify against k');
  }
  if (claims.aud !== origin) throw new Error(`aud is ${String(claims.aud)}, expected ${origin}`);
  const exp = Number(claims.exp);
  if (!Number.isInteger(exp)) throw new Error('exp is missing');
  if (exp * 1000 <= nowMs) throw new Error('the JWT has expired');
  if (exp * 1000 > nowMs + 24 * 3600_000) throw new Error('exp is more than 24 hours ahead');
  if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub))
    throw new Error('sub is not a mailto: or https: contact');
  return { header, claims, publicKey: k };
}

export interface PushService {
  origin: string;
  /** A new subscription, as a browser's `pushManager.subscribe()` would make one. */
  subscribe(): IssuedSubscription;
  /** Answers the next pushes to `id` with these statuses, in order (then 201 again). */
  answer(id: string, ...statuses: number[]): void;
  /** Answers every push to `id` with `status` from now on (410: the subscription is gone). */
  answerAlways(id: string, status: number): void;
  received: ReceivedPush[];
  rejected: RejectedPush[];
  /** Every push request that arrived, whatever we answered. */
  requests(): number;
  close(): Promise<void>;
}

export async function startPushService(ca: TestCa): Promise<PushService> {
  const subscriptions = new Map<string, IssuedSubscription>();
  const scripted = new Map<string, number[]>();
  const always = new Map<string, number>();
  const received: ReceivedPush[] = [];
  const rejected: RejectedPush[] = [];
  let requests = 0;
  let origin = '';

  const server: Server = createServer({ key: ca.key, cert: ca.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      const at = Date.now();
      const id = /^\/push\/([\w-]+)$/.exec(req.url ?? '')?.[1] ?? '';
      const sub = subscriptions.get(id);
      const reject = (status: number, reason: string) => {
        rejected.push({ subscriptionId: id, reason });
        res.writeHead(status, { 'content-type': 'text/plain' }).end(reason);
      };
      if (req.method !== 'POST') return reject(405, 'POST only');
      if (!sub) return reject(404, 'no such subscription');
      let jwt: ReturnType<typeof verifyVapid>;
      try {
        jwt = verifyVapid(req.headers.authorization, origin);
      } catch (err) {
        return reject(401, (err as Error).message);
      }
      const ttl = Number(req.headers.ttl);
      if (req.headers.ttl === undefined || !Number.isInteger(ttl) || ttl < 0)
        return reject(400, 'TTL missing');
      if (req.headers['content-encoding'] !== 'aes128gcm')
        return reject(415, 'Content-Encoding must be aes128gcm');
      const body = Buffer.concat(chunks);
      if (body.length > 4096) return reject(413, 'payload over 4096 bytes');
      let decrypted: ReturnType<typeof decryptPush>;
      try {
        decrypted = decryptPush(body, { privateKey: sub.privateKey, auth: sub.keys.auth });
      } catch (err) {
        return reject(400, `cannot decrypt: ${(err as Error).message}`);
      }
      const queue = scripted.get(id);
      const status = queue?.shift() ?? always.get(id) ?? 201;
      const plaintext = decrypted.plaintext.toString('utf8');
      let payload: unknown = plaintext;
      try {
        payload = JSON.parse(plaintext);
      } catch {
        // not JSON: kept as text
      }
      received.push({
        subscriptionId: id,
        at,
        payload,
        plaintext,
        ttl,
        urgency: req.headers.urgency as string | undefined,
        topic: req.headers.topic as string | undefined,
        jwt: { header: jwt.header, claims: jwt.claims },
        padding: decrypted.padding,
        recordSize: decrypted.recordSize,
        status,
      });
      res.writeHead(status, status === 201 ? { location: `${origin}/message/${received.length}` } : {}).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    subscribe() {
      const privateKey = createECDH('prime256v1');
      privateKey.generateKeys();
      const id = randomBytes(9).toString('base64url');
      const sub: IssuedSubscription = {
        id,
        endpoint: `${origin}/push/${id}`,
        keys: { p256dh: b64u(privateKey.getPublicKey()), auth: b64u(randomBytes(16)) },
        privateKey,
      };
      subscriptions.set(id, sub);
      return sub;
    },
    answer(id, ...statuses) {
      scripted.set(id, [...(scripted.get(id) ?? []), ...statuses]);
    },
    answerAlways(id, status) {
      always.set(id, status);
    },
    received,
    rejected,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The JSON a browser POSTs to /api/push/subscriptions for `sub`. */
export const subscriptionJson = (sub: IssuedSubscription) => ({
  endpoint: sub.endpoint,
  expirationTime: null,
  keys: sub.keys,
});
