import nodemailer from 'nodemailer';
import type { Mailer } from '../../ports/mail';

/**
 * SMTP through nodemailer. SMTP has no idempotency: the caller records each attempt before
 * sending and never repeats an attempt whose outcome is unknown (at most once).
 */
export function smtpMailer(url: string, from: string): Mailer {
  // Bounded timeouts: an attempt must end well within the delivery lease (deliver-email).
  const transport = nodemailer.createTransport(
    { url, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 },
    { from },
  );
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
