import type { Env } from '../../config/env';
import { type Mailer, noMailer } from '../../ports/mail';
import { resendMailer } from './resend';
import { smtpMailer } from './smtp';

/** SMTP when SMTP_URL is set, else Resend when RESEND_API_KEY is set, else none (in-app only). */
export function mailerFromEnv(
  env: Pick<Env, 'SMTP_URL' | 'RESEND_API_KEY' | 'RESEND_BASE_URL' | 'MAIL_FROM'>,
): Mailer {
  if (env.SMTP_URL) return smtpMailer(env.SMTP_URL, env.MAIL_FROM);
  if (env.RESEND_API_KEY) return resendMailer(env.RESEND_API_KEY, env.MAIL_FROM, env.RESEND_BASE_URL);
  return noMailer;
}
