import { startFakeResend } from '../../../test/support/fake-resend';
import { startSmtp } from '../../../test/support/smtp';
import { runMailerContract } from './contract';
import { resendMailer } from './resend';
import { smtpMailer } from './smtp';

// A real SMTP server (smtp-server, on loopback) receiving what nodemailer sends.
runMailerContract('smtp (a real SMTP server)', async () => {
  let refuse = 0;
  const smtp = await startSmtp({ refuse: () => refuse-- > 0 });
  return {
    mailer: smtpMailer(smtp.url, 'Taskwire <taskwire@example.test>'),
    kind: 'smtp',
    delivered: () =>
      smtp.received.map((m) => ({ to: m.to, subject: m.subject, key: m.headers['x-taskwire-delivery'] })),
    refuseNext: () => {
      refuse = 1;
    },
    idempotent: false,
    close: smtp.close,
  };
});

// Resend's HTTP API as documented (Bearer key, Idempotency-Key), served locally: Resend itself is a
// remote service these tests cannot reach.
runMailerContract('resend (its HTTP API, served locally)', async () => {
  const resend = await startFakeResend('re_contract_key');
  return {
    mailer: resendMailer('re_contract_key', 'Taskwire <taskwire@example.test>', resend.baseUrl),
    kind: 'resend',
    delivered: () =>
      resend.delivered.map((c) => ({ to: c.body.to, subject: c.body.subject, key: c.idempotencyKey })),
    refuseNext: () => resend.failTimes(1),
    idempotent: true,
    close: resend.close,
  };
});
