import { get } from 'node:http';
import { createServer } from 'node:net';
import type { Topology } from '../index.js';
import { StartError } from './errors.js';

/** A port the topology fixes, and who wants it. Port 0 (any free port) can never be taken. */
interface Claim {
  who: string;
  port: number;
}

function claims(t: Topology): Claim[] {
  const out = t.regions.filter((r) => r.port !== 0).map((r) => ({ who: `region ${r.name}`, port: r.port }));
  if (t.global.port !== 0) out.push({ who: 'the global URL', port: t.global.port });
  if (t.https && t.https.port !== 0) out.push({ who: 'the HTTPS front door', port: t.https.port });
  return out;
}

function isFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** A PoP stamps x-gdn-region on every answer, the global port serves /_emu/health. */
function isFabricEmu(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get({ host, port, path: '/_emu/health', timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 || res.headers['x-gdn-region'] !== undefined);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

async function takenMessage(c: Claim, host: string, t: Topology): Promise<string> {
  const by = (await isFabricEmu(host, c.port)) ? 'another fabric-emu is using' : 'another program is using';
  const fix = c.who === 'the HTTPS front door'
    ? 'give it another port with --https-port (0 picks a free one)'
    : t.source.startsWith('preset:') || t.source === 'embedded default'
    ? `start from a topology file (--config) that gives ${c.who} another port`
    : `give ${c.who} another port in ${t.source}`;
  return `cannot start: ${c.who} needs port ${c.port} on ${host}, which ${by}. Stop it, or ${fix} (port: 0 picks a free one)`;
}

/** Fails before anything starts when a fixed port of the topology is taken, naming who needs it. */
export async function checkPorts(t: Topology, host: string): Promise<void> {
  for (const c of claims(t)) if (!(await isFree(host, c.port))) throw new StartError(await takenMessage(c, host, t), 'portInUse');
}

/** The same message for a port taken between the check and the listen, or undefined for other errors. */
export async function portTaken(e: unknown, t: Topology, host: string): Promise<StartError | undefined> {
  const err = e as NodeJS.ErrnoException & { port?: number };
  if (err?.code !== 'EADDRINUSE') return undefined;
  const c = claims(t).find((x) => x.port === err.port);
  return new StartError(c ? await takenMessage(c, host, t) : `cannot start: ${err.message}`, 'portInUse');
}
