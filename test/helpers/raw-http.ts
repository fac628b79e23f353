import { connect } from 'node:net';

export interface RawReply {
  /** 0 when the server closed the connection without an answer. */
  status: number;
  headers: Record<string, string>;
  body: string;
}

function unchunked(raw: string): string {
  let out = '';
  for (let at = 0; ; ) {
    const eol = raw.indexOf('\r\n', at);
    const size = parseInt(raw.slice(at, eol), 16);
    if (eol === -1 || !(size > 0)) return out;
    out += raw.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

/**
 * Sends bytes as they are (a malformed request line, an oversized header, CONNECT) and reads the
 * first answer; neither fetch nor http.request will send such requests.
 */
export function rawRequest(url: string, bytes: string | Buffer): Promise<RawReply> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(u.port), u.hostname, () => socket.write(bytes));
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (text += d));
    // A server that answers and closes before reading the whole request makes the kernel reset the
    // connection; what arrived before the reset is still the answer ('close' follows 'error').
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (!(text && (e.code === 'ECONNRESET' || e.code === 'EPIPE'))) reject(e);
    });
    socket.on('close', () => {
      // An interim answer (100 Continue) comes before the real one.
      while (/^HTTP\/1\.1 1\d\d /.test(text) && text.includes('\r\n\r\n')) text = text.slice(text.indexOf('\r\n\r\n') + 4);
      const end = text.indexOf('\r\n\r\n');
      if (end === -1) return resolve({ status: 0, headers: {}, body: text });
      const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      const raw = text.slice(end + 4);
      // Only the first answer: a request the server read short leaves bytes it answers again, and
      // an answer to HEAD has no body whatever its content-length says (what follows is another answer).
      const head = bytes.toString('latin1', 0, 5) === 'HEAD ';
      const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
      const body = head ? (raw.startsWith('HTTP/') ? '' : raw)
        : headers['transfer-encoding'] === 'chunked' ? unchunked(raw)
        : length === undefined ? raw : Buffer.from(raw, 'latin1').subarray(0, length).toString('latin1');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0), headers, body: Buffer.from(body, 'latin1').toString('utf8') });
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer from ${url} to ${JSON.stringify(bytes.toString().slice(0, 80))}`)));
  });
}

/** Whether a reply is a complete GDN error envelope with a JSON content-type. */
export function envelopeProblem(r: { status: number; headers: Record<string, unknown>; body: string }, method = 'GET'): string | undefined {
  if (!/^application\/json/.test(String(r.headers['content-type'] ?? ''))) return `content-type ${String(r.headers['content-type'])}`;
  if (method === 'HEAD') return r.body === '' ? undefined : 'a HEAD answer carries a body';
  let b: Record<string, unknown>;
  try {
    b = JSON.parse(r.body) as Record<string, unknown>;
  } catch {
    return `not JSON: ${r.body.slice(0, 120)}`;
  }
  const ok = b['error'] === true && b['code'] === r.status && typeof b['errorNum'] === 'number' && typeof b['errorMessage'] === 'string';
  return ok ? undefined : `not a GDN envelope: ${r.body.slice(0, 200)}`;
}
