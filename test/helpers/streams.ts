import WebSocket, { type ClientOptions } from 'ws';
import { authorizationFor } from './http.js';

/** A frame a consumer or reader receives. */
export interface Delivery {
  messageId: string;
  payload: string;
  properties: Record<string, string>;
  publishTime: string;
  redeliveryCount: number;
  key?: string;
}

/** A stream WebSocket client that keeps every frame it received, in order. */
export class StreamClient {
  readonly frames: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  private waiters: (() => void)[] = [];
  closed: { code: number; reason: string } | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)));
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
      this.wake();
    });
  }

  /**
   * Opens `url` with the credentials useCredentials() registered for its host (`headers` may override
   * or, with `authorization: ''`, drop them); rejects with the refusal (`{status, body}`) when the
   * upgrade is answered with an error.
   */
  static open(url: string, headers: Record<string, string> = {}, opts: ClientOptions = {}): Promise<StreamClient> {
    const auth = authorizationFor(url.replace(/^ws/, 'http'));
    const all: Record<string, string> = { ...(auth ? { authorization: auth } : {}), ...headers };
    if (all['authorization'] === '') delete all['authorization'];
    return StreamClient.adopt(new WebSocket(url, { ...opts, headers: all, perMessageDeflate: false }));
  }

  /**
   * Takes over a socket someone else opened (jsC8's `createStreamProducer` and the like return a `ws`
   * WebSocket), resolving once it is open or rejecting with the refusal as open() does.
   */
  static adopt(ws: WebSocket): Promise<StreamClient> {
    return new Promise((resolve, reject) => {
      if (ws.readyState === WebSocket.OPEN) return resolve(new StreamClient(ws));
      ws.once('open', () => resolve(new StreamClient(ws)));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += String(c)));
        res.on('end', () => reject(Object.assign(new Error(`refused: ${res.statusCode} ${body}`), { status: res.statusCode, body: body ? JSON.parse(body) : undefined })));
      });
      ws.once('error', (e) => reject(e));
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Resolves once `n` frames have arrived in all (or rejects after `timeoutMs`). */
  async count(n: number, timeoutMs = 10_000): Promise<any[]> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const deadline = performance.now() + timeoutMs;
    while (this.frames.length < n) {
      if (this.closed) throw new Error(`closed (${this.closed.code} ${this.closed.reason}) after ${this.frames.length} of ${n} frames`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`${this.frames.length} of ${n} frames within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.frames.slice(0, n);
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

/** The URL of a stream endpoint at a PoP. */
export function streamUrl(base: string, role: 'producer' | 'consumer' | 'reader', topic: string, opts: { subscription?: string; fabric?: string; tenant?: string; params?: Record<string, string | number> } = {}): string {
  const ns = topic.startsWith('c8globals.') ? 'c8global' : 'c8local';
  const sub = role === 'consumer' ? `/${opts.subscription ?? 'sub'}` : '';
  const qs = opts.params ? `?${new URLSearchParams(Object.entries(opts.params).map(([k, v]): [string, string] => [k, String(v)])).toString()}` : '';
  return `${base.replace(/^http/, 'ws')}/_ws/ws/v2/${role}/persistent/${opts.tenant ?? '_mm'}/${ns}.${opts.fabric ?? '_system'}/${topic}${sub}${qs}`;
}

export const b64 = (s: string) => Buffer.from(s).toString('base64');
export const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');
