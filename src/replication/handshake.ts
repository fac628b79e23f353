import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/*
 * How two PoPs prove they belong to the same fabric: each holds the fabric's secret (generated at
 * the first start and kept in the data dir) and answers the other's fresh nonce with an HMAC over
 * both nonces and both region names, so a proof can be neither forged nor replayed on another
 * connection or in the other direction. The secret itself never crosses the wire.
 */
export type Role = 'sender' | 'receiver';

export function randomNonce(): string {
  return randomBytes(16).toString('hex');
}

export function proofOf(secret: string, role: Role, from: string, to: string, senderNonce: string, receiverNonce: string): string {
  return createHmac('sha256', secret).update(`fabric-emu replication v2|${role}|${from}|${to}|${senderNonce}|${receiverNonce}`).digest('hex');
}

export function proofMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
