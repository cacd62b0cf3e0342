import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config';

/**
 * `npm run mailbox`: the development mailbox (no SMTP_URL). Lists the newest messages the hub wrote
 * (`.data/mailbox/*.eml`) with their recipient and subject; `npm run mailbox -- <n>` prints message n.
 */
function header(text: string, name: string): string {
  const m = new RegExp(`^${name}: (.*(?:\\n[ \\t].*)*)`, 'im').exec(text);
  if (!m) return '';
  // Subjects are RFC 2047 encoded words when they are not ASCII (Vietnamese).
  return m[1]
    .replace(/\n[ \t]/g, '')
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_all, enc: string, data: string) =>
      enc.toLowerCase() === 'b'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeURIComponent(data.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, '%$1')),
    );
}

const dir = loadConfig().notifications.mailboxDir;
const files = fs.existsSync(dir)
  ? fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.eml'))
      .sort()
      .reverse()
  : [];
const pick = process.argv[2];
if (files.length === 0) {
  console.log(`The mailbox ${dir} is empty. Start the hub without SMTP_URL and report an incident.`);
} else if (pick) {
  const file = files[Number(pick) - 1];
  if (!file) throw new Error(`no message ${pick}`);
  console.log(fs.readFileSync(path.join(dir, file), 'utf8'));
} else {
  console.log(`Mailbox ${dir} (newest first; npm run mailbox -- <n> prints one):`);
  files.slice(0, 30).forEach((f, i) => {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    console.log(`${String(i + 1).padStart(3)}  ${header(text, 'Date')}  to ${header(text, 'To')}  ${header(text, 'Subject')}`);
  });
}
