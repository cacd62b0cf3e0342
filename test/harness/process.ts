import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './hub';

export interface HubProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/**
 * Starts `node dist/main.js` as its own process group (as a terminal runs a foreground job), so a
 * test can send the group a Ctrl-C (SIGINT) the way a terminal does.
 */
export async function startHubProcess(env: Record<string, string>, timeoutMs = 120_000): Promise<HubProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'main.js')], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = () => {
      const m = /GraphQL \(HTTP and WebSocket\): (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code} during start:\n${out}`));
    });
  });
  return { child, url, output: () => out, exited };
}

/** Process ids whose command line mentions `needle` (e.g. a data folder). */
export function processesMentioning(needle: string): number[] {
  let text = '';
  try {
    text = execFileSync('pgrep', ['-f', needle]).toString();
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => pid !== process.pid);
}
