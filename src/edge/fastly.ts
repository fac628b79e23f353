/**
 * Fastly Compute runs WebAssembly on Viceroy, Fastly's local runtime. `@fastly/js-compute` builds
 * the Wasm from the npm registry, but Viceroy itself is not published there: `fastly compute serve`
 * downloads it from Fastly's servers on first use, which this machine, like any offline one, cannot
 * reach. docs/edge-functions.md says what would close the gap.
 */
import { HandlerError } from './runtime.js';

export const FASTLY_UNAVAILABLE =
  'Fastly Compute programs run on Viceroy, which is not on the npm registry (the Fastly CLI downloads it from Fastly on first use), so fabric-emu cannot run them offline. ' +
  '@fastly/js-compute still builds your program; test its logic under --runtime workers if it only uses fetch and Request/Response, ' +
  'or run `fastly compute serve` where Viceroy can be installed, with a backend pointing at the fabric (see docs/edge-functions.md, "Fastly Compute")';

export function fastlyUnavailable(shown: string): HandlerError {
  return new HandlerError(`handler ${shown}: ${FASTLY_UNAVAILABLE}`);
}
