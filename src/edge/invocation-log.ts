/** One line per invocation: where the function ran, which PoP it reached, what latency it was charged. */
import type { Placement } from './fabric-target.js';
import type { FabricCall } from './outbound.js';

export function invocationLine(o: { method: string; path: string; status: number | string; ms: number; placement: Placement; calls: FabricCall[] }): string {
  const pops = [...new Set(o.calls.map((c) => c.pop))];
  const charged = o.calls.reduce((s, c) => s + c.delayMs, 0);
  const where = `at ${o.placement.at === o.placement.location.region ? o.placement.at : `${o.placement.at} (${o.placement.location.region})`}, ${o.placement.location.city}`;
  const fabric = o.calls.length === 0 ? 'no fabric calls' : `PoP ${pops.join(', ')}: ${o.calls.length} call${o.calls.length === 1 ? '' : 's'}, ${Math.round(charged)} ms latency charged`;
  return `${o.method} ${o.path} → ${o.status} in ${Math.round(o.ms)} ms ${where}; ${fabric}`;
}
