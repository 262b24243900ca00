import nodemailer from 'nodemailer';
import type { Mailer } from '../../ports/mail';

/**
 * SMTP through nodemailer. SMTP has no idempotency: the caller records each attempt before
 * sending and never repeats an attempt whose outcome is unknown (at most once).
 */
export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url, { from });
  return {
    kind: 'smtp',
    async send(message) {
      const info = await transport.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: { 'X-Taskwire-Delivery': message.idempotencyKey },
      });
      return { id: info.messageId };
    },
    async close() {
      transport.close();
    },
  };
}
