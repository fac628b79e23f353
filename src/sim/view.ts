import { createHash } from 'node:crypto';
import type { Doc, Storage } from '../storage/index.js';
import type { Body } from './changes.js';
import type { ReplicaView } from './oracle.js';
import { FABRIC } from './writer.js';

/** By name: row ids differ between replicas that learnt of collections in different orders. */
function liveCollections(s: Storage) {
  return s.collections.list(FABRIC, false).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The documents of a collection in the order the replica iterates them, the same on every converged replica. */
function documents(s: Storage, name: string): Doc[] {
  return [...s.documents.scan(s.collections.require(FABRIC, name))];
}

/** What the replica shows, in the oracle's terms. */
export function replicaView(s: Storage): ReplicaView {
  const collections = new Map<string, Map<string, { rev: string; body: Body }>>();
  for (const c of liveCollections(s)) {
    const docs = new Map<string, { rev: string; body: Body }>();
    for (const d of documents(s, c.name)) {
      const { _key, _id: _i, _rev, ...body } = d;
      docs.set(_key as string, { rev: _rev as string, body });
    }
    collections.set(c.name, docs);
  }
  return { collections };
}

/**
 * A digest of everything a client can read from the replica: every live collection (name, type)
 * and its documents as stored, attribute order and `_rev` included. Converged replicas must give
 * the same digest.
 */
export function replicaDigest(s: Storage): string {
  const h = createHash('sha256');
  for (const c of liveCollections(s)) {
    h.update(`${c.name}\u0000${c.type}\u0000`);
    for (const d of documents(s, c.name)) h.update(`${JSON.stringify(d)}\u0000`);
  }
  return h.digest('hex');
}
