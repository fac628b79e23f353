/**
 * Container start-up to healthy: `docker run` of the image (FABRIC_EMU_IMAGE, default
 * fabric-emu:local from docker/build-offline.sh) until /_emu/health answers 200 on the published
 * port, and until Docker itself reports the container healthy (its HEALTHCHECK runs every 2 s, so
 * that figure is rounded up to the check), for the whole fabric (four PoPs). Without a
 * Docker engine or the image the section says so and measures nothing.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const sh = promisify(execFile);
const IMAGE = process.env.FABRIC_EMU_IMAGE || 'fabric-emu:local';
const ROUNDS = 3;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function ok(url) {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

async function until(check, timeoutMs = 180_000) {
  const t0 = performance.now();
  while (!(await check())) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`not healthy within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function once(port, args, env = []) {
  const t0 = performance.now();
  const { stdout } = await sh('docker', ['run', '-d', '-p', `127.0.0.1::${port}`, ...env.flatMap((e) => ['-e', e]), IMAGE, ...args]);
  const id = stdout.trim();
  try {
    const mapped = (await sh('docker', ['port', id, String(port)])).stdout.trim().split('\n')[0].split(':').pop();
    await until(() => ok(`http://127.0.0.1:${mapped}/_emu/health`));
    const served = performance.now() - t0;
    await until(async () => (await sh('docker', ['inspect', '-f', '{{.State.Health.Status}}', id])).stdout.trim() === 'healthy');
    return { served, healthy: performance.now() - t0 };
  } finally {
    await sh('docker', ['rm', '-f', id]);
  }
}

export async function run() {
  try {
    await sh('docker', ['image', 'inspect', IMAGE]);
  } catch {
    return [{ metric: 'container start-up', value: 'skipped', note: `no Docker engine or no image ${IMAGE} (docker/build-offline.sh builds it)` }];
  }
  const rows = [];
  const cases = [
    ['whole fabric (4 PoPs)', 8530, ['up', '--host', '0.0.0.0', '--ephemeral', '--no-latency'], []],
  ];
  for (const [label, port, args, env] of cases) {
    const runs = [];
    for (let i = 0; i < ROUNDS; i++) runs.push(await once(port, args, env));
    rows.push({ metric: `${label}: docker run to /_emu/health 200`, value: Math.round(median(runs.map((r) => r.served))), unit: 'ms', note: `median of ${ROUNDS}` });
    rows.push({ metric: `${label}: docker run to Docker's "healthy"`, value: Math.round(median(runs.map((r) => r.healthy))), unit: 'ms', note: 'HEALTHCHECK every 2 s' });
  }
  return rows;
}
