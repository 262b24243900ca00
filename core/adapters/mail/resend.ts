import { Resend } from 'resend';
import type { Mailer } from '../../ports/mail';

/** Resend's API through its SDK, with an idempotency key per delivery so a retry never sends twice. */
export function resendMailer(apiKey: string, from: string, baseUrl?: string): Mailer {
  const client = baseUrl ? new Resend(apiKey, { baseUrl }) : new Resend(apiKey);
  return {
    kind: 'resend',
    async send(message) {
      const { data, error } = await client.emails.send(
        { from, to: [message.to], subject: message.subject, text: message.text, html: message.html },
        { idempotencyKey: message.idempotencyKey },
      );
      if (error) throw new Error(`Resend refused the email: ${error.name}: ${error.message}`);
      return { id: data?.id };
    },
  };
}
