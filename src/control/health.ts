import type { ReplicationStatus } from '../replication/index.js';
import type { RegionRunState } from './types.js';

/** What one PoP says of itself at /_emu/health. */
export interface PopHealth {
  region: string;
  /** `ready`, or `starting` while it answers but is not ready (the reason says why). */
  status: 'ready' | 'starting';
  /** It answers: always true in an answer (a PoP that is not live does not answer). */
  live: true;
  /** Serving, replicating, and every link to a peer that is not cut on purpose is up. */
  ready: boolean;
  /** Why it is not ready; absent when it is. */
  reason?: string;
  /** Each outgoing link: `open`, `cut` (by the emulator's control), `connecting`, `down` or `stopped`. */
  links: { to: string; state: string; cut: boolean }[];
}

/**
 * A PoP is ready once it replicates with every peer: a link cut by a partition or `link --cut` does
 * not count against it (that is the state the user asked for), a peer not reachable yet does.
 */
export function popHealth(region: string, state: RegionRunState, replicating: boolean, status: ReplicationStatus): PopHealth {
  const links = status.outgoing.map((l) => ({ to: l.to, state: l.state, cut: l.settings.cut }));
  const pending = links.filter((l) => !l.cut && l.state !== 'open');
  const reason =
    state !== 'serving'
      ? `the PoP is ${state}`
      : !replicating
        ? 'replication has not started: the PoP waits for its fabric to start it'
        : pending.length > 0
          ? `replication links not up yet: ${pending.map((l) => `to ${l.to} (${l.state})`).join(', ')}`
          : undefined;
  return { region, status: reason ? 'starting' : 'ready', live: true, ready: !reason, ...(reason ? { reason } : {}), links };
}
