import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateNames } from '../src/core/gdn-hosts.js';
import { systemClock } from '../src/core/clock.js';
import { loadTls } from '../src/tls/index.js';

/** Where the jsC8 tests' fabrics keep their certificate: the CA every test worker trusts (below). */
export const TRUSTED_CERT_DIR_ENV = 'FABRIC_EMU_TEST_TRUSTED_CERT_DIR';

/**
 * `fabric-emu up --ephemeral` keeps its certificate in the per-user cache dir; the CLI tests spawn
 * it many times. They share one throw-away dir instead (FABRIC_EMU_TLS_DIR, inherited by every
 * child), so the suite writes nothing outside the temp dir and leaves nothing behind.
 *
 * jsC8 opens its stream WebSockets with `new WebSocket(url)` and no options, so it reaches the front
 * door only where the process trusts the CA, and Node before 22.19 / 24.5 learns a CA only at start
 * (NODE_EXTRA_CA_CERTS), as README.md tells users. A CA is made here, before the workers start, and
 * they inherit NODE_EXTRA_CA_CERTS naming it (with what it named before). Only fabrics started with
 * that certDir (useJsc8) present it, so every other fabric of the suite stays untrusted as before.
 * Its server certificate covers the four regions test topologies have, so no start rewrites it.
 */
export function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'fabric-emu-test-tls-'));
  process.env['FABRIC_EMU_TLS_DIR'] = dir;
  const trusted = mkdtempSync(join(tmpdir(), 'fabric-emu-test-trusted-tls-'));
  const { ca } = loadTls({ dir: trusted, names: certificateNames(['r-east', 'r-eu', 'r-ap', 'r-west']), now: systemClock.now() });
  // NODE_EXTRA_CA_CERTS names one file: whatever the environment already trusts, and the test CA.
  const inherited = process.env['NODE_EXTRA_CA_CERTS'];
  const bundle = join(trusted, 'trusted-bundle.pem');
  writeFileSync(bundle, `${inherited && existsSync(inherited) ? `${readFileSync(inherited, 'utf8').trimEnd()}\n` : ''}${ca}`);
  process.env[TRUSTED_CERT_DIR_ENV] = trusted;
  process.env['NODE_EXTRA_CA_CERTS'] = bundle;
  return () => {
    rmSync(dir, { recursive: true, force: true });
    // Node reads NODE_EXTRA_CA_CERTS again whenever it builds a trust store, and the workers outlive
    // this teardown; the file goes when the run does.
    process.once('exit', () => rmSync(trusted, { recursive: true, force: true }));
  };
}
