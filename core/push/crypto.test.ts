import { createECDH, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptPush, verifyVapid } from '../../test/support/push-service';
import {
  b64url,
  encryptPayload,
  fromB64url,
  generateKeyPair,
  isP256PublicKey,
  MAX_PLAINTEXT,
  vapidAuthorization,
} from './crypto';

/** RFC 8291 §5 and Appendix A: every input pinned, so the output is known to the byte. */
const RFC8291 = {
  plaintext: 'When I grow up, I want to be a watermelon',
  uaPublic: 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
  uaPrivate: 'q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94',
  authSecret: 'BTBZMqHH6r4Tts7J_aSIgg',
  asPrivate: 'yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw',
  salt: 'DGv6ra1nlYgDCS1FRnbzlw',
  body:
    'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_' +
    'yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN',
};

function browserKeys() {
  const privateKey = createECDH('prime256v1');
  privateKey.generateKeys();
  return { privateKey, p256dh: b64url(privateKey.getPublicKey()), auth: b64url(randomBytes(16)) };
}

describe('aes128gcm message encryption (RFC 8291)', () => {
  it('reproduces the RFC 8291 worked example byte for byte', () => {
    const body = encryptPayload(
      RFC8291.plaintext,
      { p256dh: RFC8291.uaPublic, auth: RFC8291.authSecret },
      { salt: fromB64url(RFC8291.salt), senderPrivateKey: fromB64url(RFC8291.asPrivate) },
    );
    expect(b64url(body)).toBe(RFC8291.body);
  });

  it('the example decrypts with the user agent key (the test push service decrypts independently)', () => {
    const ua = createECDH('prime256v1');
    ua.setPrivateKey(fromB64url(RFC8291.uaPrivate));
    const out = decryptPush(fromB64url(RFC8291.body), { privateKey: ua, auth: RFC8291.authSecret });
    expect(out.plaintext.toString()).toBe(RFC8291.plaintext);
    expect(out.recordSize).toBe(4096);
  });

  it('a fresh key and salt every time; padding hides the exact length; tampering is detected', () => {
    const ua = browserKeys();
    const message = JSON.stringify({ title: 'Call mom', body: 'Due 3:00 PM' });
    const a = encryptPayload(message, ua, { padToMultipleOf: 64 });
    const b = encryptPayload(message, ua, { padToMultipleOf: 64 });
    expect(a.subarray(0, 16).equals(b.subarray(0, 16))).toBe(false);
    expect(a.subarray(21, 86).equals(b.subarray(21, 86))).toBe(false);
    const out = decryptPush(a, ua);
    expect(out.plaintext.toString()).toBe(message);
    expect((message.length + 1 + out.padding) % 64).toBe(0);
    const tampered = Buffer.from(a);
    tampered[100] = tampered[100]! ^ 1;
    expect(() => decryptPush(tampered, ua)).toThrow();
    const otherAuth = { ...ua, auth: b64url(randomBytes(16)) };
    expect(() => decryptPush(a, otherAuth)).toThrow();
  });

  it('fills one 4096-byte record at most, and refuses more', () => {
    const ua = browserKeys();
    const full = encryptPayload('x'.repeat(MAX_PLAINTEXT), ua);
    expect(full.length).toBe(4096);
    expect(decryptPush(full, ua).plaintext.length).toBe(MAX_PLAINTEXT);
    expect(() => encryptPayload('x'.repeat(MAX_PLAINTEXT + 1), ua)).toThrow(/at most 3993 bytes/);
  });

  it('refuses malformed subscription keys', () => {
    const ua = browserKeys();
    expect(() => encryptPayload('hi', { ...ua, p256dh: b64url(randomBytes(65)) })).toThrow(/p256dh/);
    expect(() => encryptPayload('hi', { ...ua, auth: b64url(randomBytes(8)) })).toThrow(/auth/);
    expect(isP256PublicKey(ua.p256dh)).toBe(true);
    const offCurve = fromB64url(ua.p256dh);
    offCurve[64] = offCurve[64]! ^ 1;
    expect(isP256PublicKey(b64url(offCurve))).toBe(false);
  });
});

describe('VAPID (RFC 8292)', () => {
  it('signs an ES256 JWT for the push service origin that verifies against k=', () => {
    const pair = generateKeyPair();
    const now = Date.parse('2026-03-04T14:00:00Z');
    const header = vapidAuthorization(pair, {
      audience: 'https://push.example.net',
      subject: 'mailto:ops@example.org',
      expiresAt: new Date(now + 12 * 3600_000),
    });
    expect(header).toMatch(/^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=[\w-]+$/);
    const { claims, publicKey } = verifyVapid(header, 'https://push.example.net', now);
    expect(publicKey).toBe(pair.publicKey);
    expect(claims).toEqual({
      aud: 'https://push.example.net',
      exp: Math.floor((now + 12 * 3600_000) / 1000),
      sub: 'mailto:ops@example.org',
    });
    expect(() => verifyVapid(header, 'https://other.example.net', now)).toThrow(/aud/);
    expect(() => verifyVapid(header, 'https://push.example.net', now + 13 * 3600_000)).toThrow(/expired/);
    const forged = header.replace(/k=[\w-]+$/, `k=${generateKeyPair().publicKey}`);
    expect(() => verifyVapid(forged, 'https://push.example.net', now)).toThrow(/signature/);
  });
});
