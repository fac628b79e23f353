/**
 * The server name (SNI) a TLS client asks for, read from the first bytes of a connection before any
 * TLS is done: the HTTPS front door routes by it without terminating TLS (RFC 8446 §4.1.2, RFC 6066 §3).
 */

/** The largest TLS record (RFC 8446 §5.1: 2^14 bytes of content) with its 5-byte header. */
export const MAX_HELLO_BYTES = 5 + 16_384;

const HANDSHAKE = 0x16;
const CLIENT_HELLO = 0x01;
const SERVER_NAME = 0x0000;
const HOST_NAME = 0x00;

/**
 * `more`: the first record is not all here yet. `none`: the connection is not TLS, or its hello
 * names no host, or names it outside the first record; the caller then lets a full TLS server decide.
 */
export type HelloServerName = { kind: 'more' } | { kind: 'none' } | { kind: 'name'; name: string };

/** Reads the server name from the bytes received so far (at least the first chunk). */
export function helloServerName(buf: Buffer): HelloServerName {
  if (buf.length === 0) return { kind: 'more' };
  if (buf[0] !== HANDSHAKE) return { kind: 'none' };
  if (buf.length < 5) return { kind: 'more' };
  const end = 5 + buf.readUInt16BE(3);
  if (buf.length < end) return end > MAX_HELLO_BYTES ? { kind: 'none' } : { kind: 'more' };
  const name = serverName(buf.subarray(5, end));
  return name === undefined ? { kind: 'none' } : { kind: 'name', name: name.toLowerCase() };
}

/** The host_name of a ClientHello handshake message, or undefined where it is absent or cut off. */
function serverName(msg: Buffer): string | undefined {
  if (msg[0] !== CLIENT_HELLO || msg.length < 4) return undefined;
  const hello = msg.subarray(4, Math.min(msg.length, 4 + msg.readUIntBE(1, 3)));
  // legacy_version (2) and random (32), then session id, cipher suites, compression methods.
  let at = 34;
  const skip = (lengthBytes: number): boolean => {
    if (at + lengthBytes > hello.length) return false;
    at += lengthBytes + hello.readUIntBE(at, lengthBytes);
    return at <= hello.length;
  };
  if (!skip(1) || !skip(2) || !skip(1) || at + 2 > hello.length) return undefined;
  const extEnd = Math.min(hello.length, at + 2 + hello.readUInt16BE(at));
  at += 2;
  while (at + 4 <= extEnd) {
    const type = hello.readUInt16BE(at);
    const len = hello.readUInt16BE(at + 2);
    const body = hello.subarray(at + 4, Math.min(extEnd, at + 4 + len));
    at += 4 + len;
    if (type !== SERVER_NAME) continue;
    // server_name_list: its length (2), then entries of type (1), length (2), name.
    let i = 2;
    while (i + 3 <= body.length) {
      const nameLen = body.readUInt16BE(i + 1);
      if (body[i] === HOST_NAME && i + 3 + nameLen <= body.length) return body.subarray(i + 3, i + 3 + nameLen).toString('ascii');
      i += 3 + nameLen;
    }
    return undefined;
  }
  return undefined;
}
