import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config.ts';

/** A file sent with a message, held as text in the outbox (a calendar invitation). */
export interface MailAttachment {
  filename: string;
  /** The MIME type, with any parameters: "text/calendar; method=REQUEST". */
  contentType: string;
  content: string;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  attachments?: MailAttachment[];
  /** The Message-ID header, "<id@domain>": the same for every try of one message, so a receiver can drop a repeat. */
  messageId?: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  readonly enabled: boolean;
}

/** SMTP when SMTP_URL is set; otherwise mail is kept in the outbox and logged as not sent. */
export function createMailer(config: Config): Mailer {
  if (!config.mail.smtpUrl) {
    return {
      enabled: false,
      async send() {
        throw new Error('No SMTP server is configured (set SMTP_URL)');
      },
    };
  }
  const transport: Transporter = nodemailer.createTransport(config.mail.smtpUrl);
  return {
    enabled: true,
    async send(message) {
      await transport.sendMail({ from: config.mail.from, ...message });
    },
  };
}
