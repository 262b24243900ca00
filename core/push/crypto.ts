/**
 * Web Push cryptography on node:crypto alone:
 * - message encryption (RFC 8291) in the `aes128gcm` content coding (RFC 8188): an ephemeral ECDH
 *   P-256 key agreed with the subscription's `p256dh`, HKDF-SHA-256 keyed by its `auth` secret,
 *   one AES-128-GCM record with its delimiter and padding;
 * - VAPID (RFC 8292): an ES256 JWT naming the push service's origin, sent with our public key.
 *
 * Checked byte for byte against RFC 8291's worked example (crypto.test.ts).
 */
import {
  createCipheriv,
  createECDH,
  createPrivateKey,
  ECDH,
  hkdfSync,
  type KeyObject,
  randomBytes,
  sign,
} from 'node:crypto';

/** The record size we declare: the largest a push service must accept (RFC 8291 §4). */
export const RECORD_SIZE = 4096;
/** 16 salt + 4 record size + 1 key length + 65 key. */
const HEADER_BYTES = 86;
const TAG_BYTES = 16;
/** The most plaintext one push can carry: the body stays within 4096 bytes (RFC 8291 §4). */
export const MAX_PLAINTEXT = RECORD_SIZE - HEADER_BYTES - TAG_BYTES - 1;

export const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
export const fromB64url = (text: string): Buffer => Buffer.from(text, 'base64url');

/** True when `text` is base64url of an uncompressed point on P-256. */
export function isP256PublicKey(text: string): boolean {
  const bytes = fromB64url(text);
  if (bytes.length !== 65 || bytes[0] !== 4) return false;
  try {
    ECDH.convertKey(bytes, 'prime256v1');
    return true;
  } catch {
    return false;
  }
}

export interface KeyPair {
  /** base64url, uncompressed point (65 bytes). */
  publicKey: string;
  /** base64url, the 32-byte scalar. */
  privateKey: string;
}

export function generateKeyPair(): KeyPair {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { publicKey: b64url(ecdh.getPublicKey()), privateKey: b64url(ecdh.getPrivateKey()) };
}

export interface EncryptOptions {
  /** Pins the 16-byte salt (tests); random otherwise. */
  salt?: Uint8Array;
  /** Pins the sender's ephemeral private key (tests); a fresh one otherwise. */
  senderPrivateKey?: Uint8Array;
  /**
   * Pads the plaintext up to a multiple of this many bytes, so a message's length says less about
   * its content (within the single record's limit).
   */
  padToMultipleOf?: number;
}

/**
 * Encrypts `plaintext` for a subscription: the request body of a push, `Content-Encoding: aes128gcm`.
 * Throws when the keys are malformed or the message does not fit one record.
 */
export function encryptPayload(
  plaintext: Uint8Array | string,
  subscription: { p256dh: string; auth: string },
  opts: EncryptOptions = {},
): Buffer {
  const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : Buffer.from(plaintext);
  if (data.length > MAX_PLAINTEXT) {
    throw new Error(`a push message carries at most ${MAX_PLAINTEXT} bytes (this one: ${data.length})`);
  }
  const uaPublic = fromB64url(subscription.p256dh);
  const authSecret = fromB64url(subscription.auth);
  if (!isP256PublicKey(subscription.p256dh)) throw new Error('p256dh is not an uncompressed P-256 point');
  if (authSecret.length !== 16) throw new Error('auth is not 16 bytes');

  const ecdh = createECDH('prime256v1');
  if (opts.senderPrivateKey) ecdh.setPrivateKey(Buffer.from(opts.senderPrivateKey));
  else ecdh.generateKeys();
  const asPublic = ecdh.getPublicKey();
  const ecdhSecret = ecdh.computeSecret(uaPublic);
  const salt = Buffer.from(opts.salt ?? randomBytes(16));

  // RFC 8291 §3.4: the input keying material binds both public keys and the auth secret.
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', ecdhSecret, authSecret, keyInfo, 32));
  // RFC 8188 §2.2-2.3: content-encryption key and nonce.
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));

  // One record, the last: the plaintext, the delimiter 0x02, then zero padding.
  const room = MAX_PLAINTEXT - data.length;
  const multiple = opts.padToMultipleOf ?? 0;
  const padding = multiple > 1 ? Math.min(room, (multiple - ((data.length + 1) % multiple)) % multiple) : 0;
  const record = Buffer.concat([data, Buffer.from([2]), Buffer.alloc(padding)]);
  const cipher = createCipheriv('aes-128-gcm', cek, nonce);
  const sealed = Buffer.concat([cipher.update(record), cipher.final(), cipher.getAuthTag()]);

  const header = Buffer.alloc(HEADER_BYTES);
  salt.copy(header, 0);
  header.writeUInt32BE(RECORD_SIZE, 16);
  header.writeUInt8(asPublic.length, 20);
  asPublic.copy(header, 21);
  return Buffer.concat([header, sealed]);
}

/** The private key of a VAPID pair as a signing key. */
export function vapidSigningKey(pair: KeyPair): KeyObject {
  const pub = fromB64url(pair.publicKey);
  return createPrivateKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      d: pair.privateKey,
      x: b64url(pub.subarray(1, 33)),
      y: b64url(pub.subarray(33, 65)),
    },
    format: 'jwk',
  });
}

export interface VapidClaims {
  /** The push service's origin (scheme, host, port of the endpoint). */
  audience: string;
  /** Contact for the push service's operator: `mailto:` or `https:`. */
  subject: string;
  /** Must be within 24 hours (RFC 8292 §2). */
  expiresAt: Date;
}

/**
 * The `Authorization` header of a push (RFC 8292 §3): `vapid t=<ES256 JWT>, k=<public key>`.
 * The signature is JOSE's raw r||s form, not DER.
 */
export function vapidAuthorization(pair: KeyPair, claims: VapidClaims, key = vapidSigningKey(pair)): string {
  const header = b64url(Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'ES256' })));
  const body = b64url(
    Buffer.from(
      JSON.stringify({
        aud: claims.audience,
        exp: Math.floor(claims.expiresAt.getTime() / 1000),
        sub: claims.subject,
      }),
    ),
  );
  const signingInput = `${header}.${body}`;
  const signature = sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
  return `vapid t=${signingInput}.${b64url(signature)}, k=${pair.publicKey}`;
}
