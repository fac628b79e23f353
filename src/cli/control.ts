import { InvalidArgumentError, type Command } from 'commander';
import { parseDuration } from '../index.js';
import { emu } from './client.js';
import { UsageError } from './errors.js';
import { fabricUrl, withFabricOptions, type FabricFlags } from './run-file.js';

function number(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a non-negative number');
  return n;
}

interface LinkFlags extends FabricFlags {
  rtt?: number;
  jitter?: number;
  loss?: number;
  cut?: boolean;
  clear?: boolean;
  oneWay?: boolean;
}

/** The fault-control verbs; each is one call to the /_emu API of a running fabric. */
export function registerControl(program: Command): void {
  const withUrl = withFabricOptions;
  const ok = () => console.log('ok');

  withUrl(program.command('link <from> <to>').description('slow, cut or restore the link between two regions (both directions unless --one-way)'))
    .option('--rtt <ms>', 'round-trip time', number)
    .option('--jitter <ms>', 'jitter of each one-way delay', number)
    .option('--loss <rate>', 'probability a frame is lost and retransmitted', number)
    .option('--cut', 'cut the link')
    .option('--no-cut', 'restore a cut link')
    .option('--clear', 'drop latency overrides first (back to the topology)')
    .option('--one-way', 'only from → to')
    .action(async (from: string, to: string, o: LinkFlags) => {
      const body: Record<string, unknown> = { bidirectional: !o.oneWay };
      if (o.rtt !== undefined) body['rttMs'] = o.rtt;
      if (o.jitter !== undefined) body['jitterMs'] = o.jitter;
      if (o.loss !== undefined) body['lossRate'] = o.loss;
      if (o.cut !== undefined) body['cut'] = o.cut;
      if (o.clear) body['clear'] = true;
      await emu(fabricUrl(o), 'PUT', `/_emu/links/${encodeURIComponent(from)}/${encodeURIComponent(to)}`, body);
      ok();
    });

  withUrl(program.command('partition <groups...>').description('cut every link between groups, e.g. "gdn-us-east,gdn-us-west gdn-eu-central"; unlisted regions form one more group'))
    .action(async (groups: string[], o: FabricFlags) => {
      await emu(fabricUrl(o), 'POST', '/_emu/partition', { groups: groups.map((g) => g.split(',').filter(Boolean)) });
      ok();
    });

  withUrl(program.command('heal').description('restore every cut link')).action(async (o: FabricFlags) => {
    await emu(fabricUrl(o), 'POST', '/_emu/heal');
    ok();
  });

  withUrl(program.command('kill <region>').description('stop a PoP serving and replicating at once; its data stays')).action(async (region: string, o: FabricFlags) => {
    console.log((await emu<{ message: string }>(fabricUrl(o), 'POST', `/_emu/regions/${encodeURIComponent(region)}/kill`)).message);
  });

  withUrl(program.command('restart <region>').description('start a killed PoP again on its port, with its data')).action(async (region: string, o: FabricFlags) => {
    console.log((await emu<{ message: string }>(fabricUrl(o), 'POST', `/_emu/regions/${encodeURIComponent(region)}/restart`)).message);
  });

  withUrl(
    program
      .command('clock [action] [duration]')
      .description("show the fabric's clock, or 'advance DURATION' (e.g. 90s, 5m, 1h, 2d or ms), 'freeze' or 'resume' it on every PoP"),
  ).action(async (action: string | undefined, duration: string | undefined, o: FabricFlags) => {
    let body: unknown;
    if (action === 'advance') {
      if (duration === undefined || parseDuration(duration) === undefined) throw new UsageError(`clock advance needs a duration such as 90s, 5m, 1h, 2d or a number of ms, got '${duration ?? ''}'`);
      body = { advance: duration };
    } else if (action === 'freeze' || action === 'resume') body = { [action]: true };
    else if (action !== undefined && action !== 'show') throw new UsageError(`unknown clock action '${action}'; expected show, advance DURATION, freeze or resume`);
    const s = await emu<{ now: number; offsetMs: number; frozen: boolean }>(fabricUrl(o), body === undefined ? 'GET' : 'POST', '/_emu/clock', body);
    const offset = s.offsetMs >= 0 ? `+${Math.round(s.offsetMs)}` : String(Math.round(s.offsetMs));
    console.log(`${new Date(s.now).toISOString()} (${offset} ms from real time${s.frozen ? ', frozen' : ''})`);
  });

  withUrl(program.command('reset').description('delete all data in every region')).action(async (o: FabricFlags) => {
    await emu(fabricUrl(o), 'POST', '/_emu/reset');
    ok();
  });

  withUrl(program.command('wait').description('return once every live link has delivered everything'))
    .option('--timeout <ms>', 'give up after this long', number, 30_000)
    .action(async (o: FabricFlags & { timeout: number }) => {
      const r = await emu<{ skipped: string[] }>(fabricUrl(o), 'POST', '/_emu/wait', { timeoutMs: o.timeout });
      ok();
      if (r.skipped.length) console.error(`fabric-emu: not waited for: ${r.skipped.join(', ')}`);
    });

  withUrl(program.command('metrics').description('Prometheus metrics of the fabric')).action(async (o: FabricFlags) => {
    process.stdout.write(await emu<string>(fabricUrl(o), 'GET', '/_emu/metrics'));
  });
}
