import { Command, CommanderError } from 'commander';
import { CredentialsError, EdgeFabricError, FixtureError, FixtureLoadError, HandlerError, TopologyError, VERSION } from '../index.js';
import { ControlError } from './client.js';
import { registerCompose } from './compose.js';
import { registerControl } from './control.js';
import { registerDev } from './dev.js';
import { StartError, UsageError } from './errors.js';
import { registerInvoke } from './invoke.js';
import { registerK8s } from './k8s.js';
import { registerLoad } from './load.js';
import { registerRegion } from './region.js';
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
  registerLoad(program);
  registerInvoke(program);
  registerDev(program);
  registerCompose(program);
  registerK8s(program);
  return program;
}

/** Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad configuration. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram().exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
    if (e instanceof TopologyError) {
      console.error(`fabric-emu: invalid topology: ${e.message}`);
      process.exit(2);
    }
    if (e instanceof FixtureError) {
      console.error(`fabric-emu: invalid fixture: ${e.message}`);
      process.exit(2);
    }
    if (e instanceof CredentialsError) {
      console.error(`fabric-emu: invalid dev credentials: ${e.message}`);
      process.exit(2);
    }
    if (e instanceof UsageError) {
      console.error(`fabric-emu: ${e.message}`);
      process.exit(2);
    }
    if (e instanceof StartError || e instanceof ControlError || e instanceof FixtureLoadError || e instanceof HandlerError || e instanceof EdgeFabricError) {
      console.error(`fabric-emu: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
}
