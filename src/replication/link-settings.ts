import type { LinkProfile } from '../topology/index.js';

export type LinkState = 'connecting' | 'open' | 'cut' | 'down' | 'stopped';

/** Emulator overrides of one directed link, set through /_emu, the CLI or the fabric object. */
export interface LinkSettings {
  /** No frames are sent while cut; changes queue in the sender's change log. */
  cut: boolean;
  rttMs?: number | undefined;
  jitterMs?: number | undefined;
  lossRate?: number | undefined;
}

export const DEFAULT_LINK_SETTINGS: LinkSettings = { cut: false };

/**
 * Bounds of link settings: a round trip of ten minutes is already beyond any real network, and a
 * loss rate near 1 would turn every frame into an endless run of retransmissions.
 */
export const LINK_LIMITS = { maxRttMs: 600_000, maxJitterMs: 60_000, maxLossRate: 0.95 } as const;

/** Why a link change is out of range, or undefined when it is fine. */
export function linkSettingsProblem(s: Partial<Pick<LinkSettings, 'rttMs' | 'jitterMs' | 'lossRate'>>): string | undefined {
  const bad = (v: number | undefined, max: number) => v !== undefined && !(Number.isFinite(v) && v >= 0 && v <= max);
  if (bad(s.rttMs, LINK_LIMITS.maxRttMs)) return `rttMs must be between 0 and ${LINK_LIMITS.maxRttMs} ms, got ${s.rttMs}`;
  if (bad(s.jitterMs, LINK_LIMITS.maxJitterMs)) return `jitterMs must be between 0 and ${LINK_LIMITS.maxJitterMs} ms, got ${s.jitterMs}`;
  if (bad(s.lossRate, LINK_LIMITS.maxLossRate)) return `lossRate must be between 0 and ${LINK_LIMITS.maxLossRate}, got ${s.lossRate}`;
  return undefined;
}

export function effectiveProfile(base: LinkProfile, s: LinkSettings): LinkProfile {
  return {
    ...base,
    rttMs: s.rttMs ?? base.rttMs,
    jitterMs: s.jitterMs ?? base.jitterMs,
    lossRate: s.lossRate ?? base.lossRate,
    ...(s.rttMs !== undefined || s.jitterMs !== undefined || s.lossRate !== undefined ? { source: 'emulator override', derived: false } : {}),
  };
}
