import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { NotificationConfig } from '../../config';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** Stable per delivery: a retried e-mail keeps its Message-ID, so mail clients can drop duplicates. */
  messageId: string;
  language: 'vi' | 'en';
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
  /** Where development mail lands (null with SMTP). */
  mailbox: string | null;
}

/**
 * SMTP through nodemailer when SMTP_URL is set. Without it (development), messages are written as
 * .eml files to the local mailbox folder (`npm run mailbox` lists them), so a first `npm start`
 * shows receipts and directive e-mails working without a mail server.
 */
export function createMailer(config: NotificationConfig): Mailer {
  const headersOf = (m: MailMessage) => ({
    from: config.mailFrom,
    to: m.to,
    subject: m.subject,
    text: m.text,
    messageId: m.messageId,
    headers: { 'Content-Language': m.language, 'Auto-Submitted': 'auto-generated' },
  });
  if (config.smtpUrl) {
    const transport: Transporter = nodemailer.createTransport(config.smtpUrl);
    return {
      mailbox: null,
      send: async (m) => {
        await transport.sendMail(headersOf(m));
      },
      close: () => transport.close(),
    };
  }
  const dir = config.mailboxDir;
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    mailbox: dir,
    send: async (m) => {
      const info = await transport.sendMail(headersOf(m));
      fs.mkdirSync(dir, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${crypto.randomBytes(3).toString('hex')}.eml`;
      fs.writeFileSync(path.join(dir, name), info.message as Buffer);
    },
    close: () => transport.close(),
  };
}
