export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Same key → same email: providers that support it (Resend) send it once whatever the retries. */
  idempotencyKey: string;
}

export interface Mailer {
  /** `smtp`, `resend`, or `none` (in-app reminders only). */
  readonly kind: 'smtp' | 'resend' | 'none';
  /** Sends one email; returns the provider's message id. Throws on failure. */
  send(message: MailMessage): Promise<{ id: string | undefined }>;
  close?(): Promise<void>;
}

export const noMailer: Mailer = {
  kind: 'none',
  async send() {
    throw new Error('no email provider is configured (set SMTP_URL or RESEND_API_KEY)');
  },
};
