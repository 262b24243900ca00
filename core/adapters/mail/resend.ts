import type { Resend } from 'resend';
import type { Mailer } from '../../ports/mail';

/**
 * Resend's API through its SDK, with an idempotency key per delivery so a retry never sends twice.
 * The SDK is loaded with the first message, like nodemailer (see smtp.ts).
 */
export function resendMailer(apiKey: string, from: string, baseUrl?: string): Mailer {
  let client: Promise<Resend> | undefined;
  const open = () =>
    (client ??= import('resend').then(({ Resend }) =>
      baseUrl ? new Resend(apiKey, { baseUrl }) : new Resend(apiKey),
    ));
  return {
    kind: 'resend',
    async send(message) {
      const { data, error } = await (await open()).emails.send(
        { from, to: [message.to], subject: message.subject, text: message.text, html: message.html },
        { idempotencyKey: message.idempotencyKey },
      );
      if (error) throw new Error(`Resend refused the email: ${error.name}: ${error.message}`);
      return { id: data?.id };
    },
  };
}
