import { SYSTEM_FABRIC } from '../core/names.js';
import { splitFabricKey } from '../core/scope.js';
import { clockOf, newer, parseRegistryOp, type ChangeEntry, type RegistryStore } from '../storage/index.js';

/**
 * Whether `peer` may hold a change (spec/gdn-api.md §12: "geo-replication is enabled at the fabric
 * level"): the registry (users, keys, grants, the fabrics themselves) and every tenant's `_system`
 * go everywhere; a geo-fabric's data goes only to the regions of its dcList. Data of a fabric that
 * is dropped, or of an earlier fabric of the same name, goes nowhere: the drop voids it everywhere.
 */
export function shipsTo(registry: Pick<RegistryStore, 'entry'>, peer: string, e: ChangeEntry): boolean {
  if (parseRegistryOp(e.op)) return true;
  const scope = splitFabricKey(e.fabric);
  if (!scope || scope.fabric === SYSTEM_FABRIC) return true;
  const rec = registry.entry('fabric', scope.tenant, scope.fabric);
  if (!rec || rec.state.deleted) return false;
  if (newer(rec.state.meta.b, clockOf(e.hlc, e.origin))) return false;
  return (rec.state.body['dcList'] as string[]).includes(peer);
}
