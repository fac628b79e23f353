import type { Rng } from '../core/rng.js';
import type { LinkProfile } from '../topology/types.js';

/**
 * One-way delay in ms: rttMs / 2 plus a jitter draw. jitterMs is the sd ('normal') or half-width
 * ('uniform') of this one-way delay; 'constant' ignores it and draws nothing. Clamped at 0 because a
 * message cannot arrive before it is sent.
 */
export function sampleOneWay(profile: LinkProfile, rng: Rng): number {
  const base = profile.rttMs / 2;
  let ms: number;
  switch (profile.distribution) {
    case 'constant':
      ms = base;
      break;
    case 'uniform':
      ms = base + (2 * rng.next() - 1) * profile.jitterMs;
      break;
    case 'normal':
      ms = rng.normal(base, profile.jitterMs);
      break;
  }
  return Math.max(0, ms);
}

/** Out and back are independent one-way draws, as two packets on a real path are. */
export function sampleRtt(profile: LinkProfile, rng: Rng): number {
  return sampleOneWay(profile, rng) + sampleOneWay(profile, rng);
}

/** Whether one message on the link is dropped (lossRate). Draws nothing on a lossless link. */
export function sampleLoss(profile: LinkProfile, rng: Rng): boolean {
  return profile.lossRate > 0 && rng.next() < profile.lossRate;
}
