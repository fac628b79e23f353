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

export function effectiveProfile(base: LinkProfile, s: LinkSettings): LinkProfile {
  return {
    ...base,
    rttMs: s.rttMs ?? base.rttMs,
    jitterMs: s.jitterMs ?? base.jitterMs,
    lossRate: s.lossRate ?? base.lossRate,
    ...(s.rttMs !== undefined || s.jitterMs !== undefined || s.lossRate !== undefined ? { source: 'emulator override', derived: false } : {}),
  };
}
