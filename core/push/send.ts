/**
 * One push to a push service (RFC 8030 §5): an encrypted POST to the subscription's endpoint.
 *
 * Over node:https with its default agent, so the system's trust settings apply as they do to every
 * HTTPS client of the process (NODE_EXTRA_CA_CERTS adds a private CA; a local push service in
 * tests, a corporate proxy's CA in production).
 */
import { request } from 'node:https';
import { encryptPayload, type KeyPair, vapidAuthorization, vapidSigningKey } from './crypto';

export type Urgency = 'very-low' | 'low' | 'normal' | 'high';

export interface PushTarget {
  endpoint: string;
  p256dh: string;
  auth: string;
}

export interface PushRequest {
  vapid: KeyPair & { subject: string };
  /** Seconds the push service should keep the message for an offline device. */
  ttlSeconds: number;
  urgency?: Urgency;
  /** Up to 32 base64url characters: a later push with the same topic replaces an undelivered one. */
  topic?: string;
  now: Date;
  timeoutMs?: number;
}

export interface PushResponse {
  status: number;
  /** From `Retry-After` (429, 503), when the push service sent one. */
  retryAfterMs?: number;
  /** The start of the push service's answer, for the record. */
  text: string;
}

/** JWTs are signed for 12 hours; RFC 8292 allows at most 24. */
const JWT_LIFETIME_MS = 12 * 3600_000;

function retryAfter(value: string | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/**
 * Encrypts `message` for `target` and POSTs it. Resolves with the push service's answer (any
 * status); rejects when no answer came (connection refused, TLS refused, timeout).
 */
export function sendPush(target: PushTarget, message: string, opts: PushRequest): Promise<PushResponse> {
  const url = new URL(target.endpoint);
  if (url.protocol !== 'https:') return Promise.reject(new Error('push endpoints are https URLs'));
  const body = encryptPayload(message, target, { padToMultipleOf: 64 });
  const authorization = vapidAuthorization(
    opts.vapid,
    {
      audience: url.origin,
      subject: opts.vapid.subject,
      expiresAt: new Date(opts.now.getTime() + JWT_LIFETIME_MS),
    },
    vapidSigningKey(opts.vapid),
  );
  const headers: Record<string, string> = {
    authorization,
    ttl: String(Math.max(0, Math.floor(opts.ttlSeconds))),
    'content-encoding': 'aes128gcm',
    'content-type': 'application/octet-stream',
    'content-length': String(body.length),
    ...(opts.urgency ? { urgency: opts.urgency } : {}),
    ...(opts.topic ? { topic: opts.topic } : {}),
  };
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < 1024) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => {
        const wait = retryAfter(res.headers['retry-after'], opts.now);
        resolve({
          status: res.statusCode ?? 0,
          text: Buffer.concat(chunks).toString('utf8').slice(0, 500),
          ...(wait === undefined ? {} : { retryAfterMs: wait }),
        });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from the push service in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
