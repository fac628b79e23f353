import { Command, CommanderError } from 'commander';
import { CredentialsError, EdgeFabricError, FixtureError, FixtureLoadError, HandlerError, TopologyError, VERSION } from '../index.js';
import { ControlError } from './client.js';
import { registerCompose } from './compose.js';
import { registerControl } from './control.js';
import { registerDev } from './dev.js';
import { EXIT, StartError, UsageError } from './errors.js';
import { registerInvoke } from './invoke.js';
import { registerK8s } from './k8s.js';
import { registerLoad } from './load.js';
import { registerRegion } from './region.js';
import { registerSnapshot } from './snapshot.js';
import { registerStatus } from './status.js';
import { registerUp } from './up.js';

export function buildProgram(): Command {
  const program = new Command('fabric-emu')
    .description('Local emulator of a geo-distributed data fabric (Macrometa GDN)')
    .version(VERSION);
  registerUp(program);
  registerRegion(program);
  registerStatus(program);
  registerControl(program);
  registerSnapshot(program);
  registerLoad(program);
  registerInvoke(program);
  registerDev(program);
  registerCompose(program);
  registerK8s(program);
  return program;
}

/** Exit codes: the EXIT table (errors.ts); every failure is one line on stderr saying why. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram().exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? EXIT.ok : EXIT.usage);
    if (e instanceof TopologyError) {
      console.error(`fabric-emu: invalid topology: ${e.message}`);
      process.exit(EXIT.config);
    }
    if (e instanceof FixtureError) {
      console.error(`fabric-emu: invalid fixture: ${e.message}`);
      process.exit(EXIT.usage);
    }
    if (e instanceof CredentialsError) {
      console.error(`fabric-emu: invalid dev credentials: ${e.message}`);
      process.exit(EXIT.config);
    }
    if (e instanceof UsageError) {
      console.error(`fabric-emu: ${e.message}`);
      process.exit(EXIT.usage);
    }
    if (e instanceof StartError) {
      console.error(`fabric-emu: ${e.message}`);
      process.exit(EXIT[e.kind]);
    }
    if (e instanceof ControlError || e instanceof FixtureLoadError || e instanceof HandlerError || e instanceof EdgeFabricError) {
      console.error(`fabric-emu: ${e.message}`);
      process.exit(EXIT.failure);
    }
    throw e;
  }
}
