import type { Transporter } from 'nodemailer';
import type { Mailer } from '../../ports/mail';

/**
 * SMTP through nodemailer. SMTP has no idempotency: the caller records each attempt before
 * sending and never repeats an attempt whose outcome is unknown (at most once).
 *
 * nodemailer is loaded with the first message: every function process builds its mailer from
 * the environment, and only the ones that send mail should pay for loading it (~16 MB of memory
 * and ~0.15 s of start-up from node_modules; a function bundle keeps it in a chunk of its own).
 */
export function smtpMailer(url: string, from: string): Mailer {
  let transport: Promise<Transporter> | undefined;
  const open = () =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      // Bounded timeouts: an attempt must end well within the delivery lease (deliver-email).
      nodemailer.createTransport(
        { url, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 },
        { from },
      ),
    ));
  return {
    kind: 'smtp',
    async send(message) {
      const info = await (await open()).sendMail({
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
      if (transport) (await transport).close();
    },
  };
}
