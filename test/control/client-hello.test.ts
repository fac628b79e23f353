import { createServer, type Server } from 'node:net';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helloServerName } from '../../src/control/client-hello.js';

let server: Server;
let port: number;
const received: ((b: Buffer) => void)[] = [];

beforeAll(async () => {
  // Not a TLS server: it keeps the first chunk a client sends (its ClientHello) and hangs up.
  server = createServer((s) => s.once('data', (d: Buffer) => {
    received.shift()?.(d);
    s.destroy();
  }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The ClientHello node:tls sends for `servername` (none when undefined). */
function helloOf(servername: string | undefined): Promise<Buffer> {
  return new Promise((resolve) => {
    received.push(resolve);
    const s = connect({ host: '127.0.0.1', port, ...(servername === undefined ? {} : { servername }) });
    s.on('error', () => undefined);
  });
}

describe('the server name of a ClientHello', () => {
  it('is read from what a real TLS client sends, lower-cased', async () => {
    expect(helloServerName(await helloOf('api-r-eu.localhost'))).toEqual({ kind: 'name', name: 'api-r-eu.localhost' });
    expect(helloServerName(await helloOf('GDN.localhost'))).toEqual({ kind: 'name', name: 'gdn.localhost' });
  });

  it('is absent when the client names no host', async () => {
    expect(helloServerName(await helloOf(undefined))).toEqual({ kind: 'none' });
  });

  it('waits for the rest of the first record, byte by byte', async () => {
    const hello = await helloOf('r-ap.localhost');
    for (const cut of [1, 3, 5, 40, hello.length - 1]) expect(helloServerName(hello.subarray(0, cut)), `${cut} bytes`).toEqual({ kind: 'more' });
    expect(helloServerName(hello.subarray(0, 0))).toEqual({ kind: 'more' });
  });

  it('gives up on what is not TLS, and on a record longer than TLS allows (2^14 bytes)', () => {
    expect(helloServerName(Buffer.from('GET / HTTP/1.1\r\n'))).toEqual({ kind: 'none' });
    const huge = Buffer.from([0x16, 0x03, 0x01, 0xff, 0xff]);
    expect(helloServerName(huge)).toEqual({ kind: 'none' });
  });

  it('finds no name in a ClientHello cut short or garbled inside a complete record', async () => {
    const hello = await helloOf('api-r-eu.localhost');
    const len = hello.readUInt16BE(3);
    // The record claims fewer bytes than the handshake message needs: the name is past its end.
    const short = Buffer.from(hello.subarray(0, 5 + 60));
    short.writeUInt16BE(60, 3);
    expect(helloServerName(short)).toEqual({ kind: 'none' });
    const notHello = Buffer.from(hello.subarray(0, 5 + len));
    notHello[5] = 0x02;
    expect(helloServerName(notHello)).toEqual({ kind: 'none' });
  });
});
