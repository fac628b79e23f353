/**
 * What a link knows of the real network under it, measured by the handshake: the sender sends hello
 * at `sentAt` (its clock), the receiver answers at `peerNow` (its clock), the answer arrives at
 * `receivedAt`. The round trip is receivedAt - sentAt; the receiver's clock is ahead of the
 * sender's by about peerNow - (sentAt + receivedAt) / 2, give or take half the round trip, since
 * the two directions may not take equally long (NTP's reasoning).
 *
 * Why it matters: a frame is held at the receiver until its readAt, so a network that already
 * takes W one way is part of the profile's delay D (the frame arrives at W and waits until D:
 * only D - W is injected, never D + W). That holds only if readAt is read on the receiver's clock,
 * hence the offset; PoPs on one machine share a clock and measure an offset within the round
 * trip's uncertainty, which is taken as none, so they behave exactly as before.
 */
export interface NetworkMeasurement {
  /** Round trip of the network itself, in ms. */
  rttMs: number;
  /** How far the receiver's clock is ahead of the sender's, in ms (0 when within the uncertainty). */
  offsetMs: number;
}

export function measureNetwork(sentAt: number, peerNow: number, receivedAt: number): NetworkMeasurement {
  const rttMs = Math.max(0, receivedAt - sentAt);
  const offset = peerNow - (sentAt + receivedAt) / 2;
  return { rttMs, offsetMs: Math.abs(offset) <= rttMs / 2 ? 0 : offset };
}

/** The delay the emulator adds on top of a network of `networkRttMs` to give a profile's round trip. */
export function injectedRttMs(profileRttMs: number, networkRttMs: number | null): number {
  return Math.max(0, profileRttMs - (networkRttMs ?? 0));
}
