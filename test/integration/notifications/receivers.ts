/** Real receivers for notification tests: an HTTP webhook endpoint and an SMTP server (smtp-server + mailparser). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import pg from 'pg';
import { cloneDatabase } from '../../harness/hub';

export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

/** Answers each request by the script for its path (status, headers), then 200. */
export class WebhookReceiver {
  readonly received: Received[] = [];
  private readonly held: http.ServerResponse[] = [];
  private readonly scripts = new Map<string, { status: number; headers?: Record<string, string> }[]>();
  private server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      this.received.push({ path: req.url ?? '/', headers, body, at: Date.now() });
      const next = this.scripts.get(req.url ?? '/')?.shift() ?? { status: 200 };
      // Status 0: hold the request unanswered (a delivery in flight) until `release()`.
      if (next.status === 0) {
        this.held.push(res);
        return;
      }
      res.writeHead(next.status, next.headers ?? {});
      res.end('ok');
    });
  });
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }
  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }
  script(path: string, answers: { status: number; headers?: Record<string, string> }[]): void {
    this.scripts.set(path, answers);
  }
  release(): void {
    for (const res of this.held.splice(0)) if (!res.destroyed) res.writeHead(200).end('ok');
  }
  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export class MailReceiver {
  readonly mails: ParsedMail[] = [];
  private server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData: (stream, _session, callback) => {
      simpleParser(stream)
        .then((mail) => {
          this.mails.push(mail);
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  port = 0;

  async start(): Promise<void> {
    // A sender killed in the middle of a mail transaction (the fault tests kill hubs) resets its socket, and
    // smtp-server then emits 'error' on the server ("read ECONNRESET"); without a listener that is an uncaught
    // exception that fails whichever test is running. The mail is simply not received, as with a real server.
    this.server.on('error', () => undefined);
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.server.address() as AddressInfo).port;
  }
  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }
  to(address: string): ParsedMail[] {
    return this.mails.filter((m) => (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).some((t) => t.value.some((v) => v.address === address)));
  }
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export async function waitFor<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A cloned database whose demo-data deliveries are cancelled: they are no test's business. */
export async function databaseWithoutPendingDeliveries(): Promise<string> {
  const url = await cloneDatabase();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`update notification_delivery set status = 'CANCELLED'`);
  await c.end();
  return url;
}
