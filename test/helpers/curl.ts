import { execFile } from 'node:child_process';

export interface CurlResult {
  /** curl's exit code: 0, or e.g. 60 for a certificate it does not trust. */
  exit: number;
  status: number;
  headers: Record<string, string>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  stderr: string;
}

/** Runs the real curl (as users paste it) and parses the last response it printed. */
export function curl(args: string[]): Promise<CurlResult> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', '-D', '-', '--max-time', '20', ...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
      const exit = err ? Number((err as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0;
      const split = stdout.lastIndexOf('\r\n\r\n');
      const head = split === -1 ? '' : stdout.slice(0, split);
      const text = split === -1 ? stdout : stdout.slice(split + 4);
      const lines = head.split('\r\n').filter(Boolean);
      const statusLine = [...lines].reverse().find((l) => l.startsWith('HTTP/')) ?? '';
      const headers: Record<string, string> = {};
      for (const l of lines.slice(lines.lastIndexOf(statusLine) + 1)) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      resolve({ exit, status: Number(statusLine.split(' ')[1] ?? 0), headers, body, stderr });
    });
  });
}
