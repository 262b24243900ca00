/**
 * The contract every mail adapter keeps (core/ports/mail.ts), run against each provider's real
 * protocol: a message reaches its recipient with its subject and its delivery's idempotency key, a
 * refusal is an error (never a success), and a provider that honours idempotency keys sends a
 * repeated key once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Mailer, MailMessage } from '../../ports/mail';

/** What the provider received, as the contract compares it. */
export interface DeliveredMail {
  to: string[];
  subject: string;
  /** The idempotency key as it travelled (a header, an API field). */
  key: string | undefined;
}

export interface MailProviderUnderTest {
  mailer: Mailer;
  kind: Mailer['kind'];
  /** Every email the provider delivered, oldest first. */
  delivered(): DeliveredMail[];
  /** The provider refuses the next message (a permanent or temporary failure, as it reports them). */
  refuseNext(): void;
  /** Whether a repeated idempotency key is sent once (Resend) or not at all guarded (SMTP). */
  idempotent: boolean;
  close(): Promise<void>;
}

let counter = 0;
export function mailMessage(overrides: Partial<MailMessage> = {}): MailMessage {
  counter++;
  return {
    to: 'me@example.test',
    subject: `Reminder: Call mom (${counter})`,
    text: 'Call mom is due at 3:00 PM.',
    html: '<p>Call mom is due at 3:00 PM.</p>',
    idempotencyKey: `taskwire-email-contract-${counter}`,
    ...overrides,
  };
}

export function runMailerContract(name: string, open: () => Promise<MailProviderUnderTest>): void {
  describe(`mail adapter contract: ${name}`, () => {
    let provider: MailProviderUnderTest | undefined;
    const start = async () => {
      provider = await open();
      return provider;
    };
    afterEach(async () => {
      await provider?.mailer.close?.();
      await provider?.close();
      provider = undefined;
    });

    it('names its provider', async () => {
      const p = await start();
      expect(p.mailer.kind).toBe(p.kind);
    });

    it('delivers a message to its recipient with its subject and idempotency key, and answers with an id', async () => {
      const p = await start();
      const message = mailMessage({ to: 'someone@example.test' });
      const { id } = await p.mailer.send(message);
      expect(typeof id).toBe('string');
      expect(id).not.toBe('');
      expect(p.delivered()).toEqual([
        { to: ['someone@example.test'], subject: message.subject, key: message.idempotencyKey },
      ]);
    });

    it('keeps a subject beyond ASCII as written', async () => {
      const p = await start();
      const subject = 'Erinnerung: Müll rausbringen — 8:00 ✓';
      await p.mailer.send(mailMessage({ subject }));
      expect(p.delivered().map((d) => d.subject)).toEqual([subject]);
    });

    it('a refused message is an error, not a success, and the next one goes through', async () => {
      const p = await start();
      p.refuseNext();
      await expect(p.mailer.send(mailMessage())).rejects.toThrow();
      expect(p.delivered()).toEqual([]);
      const next = mailMessage();
      await p.mailer.send(next);
      expect(p.delivered().map((d) => d.subject)).toEqual([next.subject]);
    });

    it('sends separate deliveries separately', async () => {
      const p = await start();
      const ids = [];
      for (const m of [mailMessage(), mailMessage()]) ids.push((await p.mailer.send(m)).id);
      expect(new Set(ids).size).toBe(2);
      expect(p.delivered()).toHaveLength(2);
    });

    it('a repeated idempotency key sends once where the provider honours keys', async () => {
      const p = await start();
      const message = mailMessage();
      const first = await p.mailer.send(message);
      const again = await p.mailer.send(message);
      if (p.idempotent) {
        expect(again.id).toBe(first.id);
        expect(p.delivered()).toHaveLength(1);
      } else {
        // No guard at the provider: the caller (the email queue) never repeats an attempt.
        expect(p.delivered()).toHaveLength(2);
        expect(new Set(p.delivered().map((d) => d.key))).toEqual(new Set([message.idempotencyKey]));
      }
    });
  });
}
