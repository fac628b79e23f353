import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, startUp } from '../helpers/cli.js';
import { sleep } from '../helpers/http.js';
import { tempDir } from '../helpers/tmp.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/address-book', import.meta.url));
const TOPOLOGY = `
name: interrupt-test
global: { port: 0 }
regions:
  - { name: r-one, city: Ashburn, country: US, countryName: United States, lat: 39.04, lon: -77.49, port: 0 }
  - { name: r-two, city: Frankfurt, country: DE, countryName: Germany, lat: 50.11, lon: 8.68, port: 0 }
`;
const ARGS = ['--config', 'regions.yaml', '--data-dir', 'data', '--no-latency', '--fixture', FIXTURE];

/** Points in a first `up --fixture` at which a user may press Ctrl-C. */
const MOMENTS: { name: string; reached: (dir: string, stdout: string) => boolean }[] = [
  { name: 'as soon as it is spawned', reached: () => true },
  { name: 'once the first replica file exists', reached: (dir) => existsSync(join(dir, 'data')) && readdirSync(join(dir, 'data')).some((f) => f.endsWith('.sqlite')) },
  { name: 'while the fixture loads (the PoPs listen, not yet ready)', reached: (_dir, out) => out.includes('REGION') },
  { name: 'once it is ready', reached: (_dir, out) => out.includes('fabric-emu ready') },
];

/** Starts `up`, sends SIGINT at the moment, and waits for the process to end. */
async function interruptAt(dir: string, reached: (dir: string, stdout: string) => boolean): Promise<void> {
  const child = spawn(process.execPath, [BIN, 'up', ...ARGS], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.resume();
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let done = false;
  void exited.then(() => (done = true));
  while (!done && !reached(dir, out)) await sleep(1);
  child.kill('SIGINT');
  await exited;
}

describe('Ctrl-C during a first fabric-emu up', () => {
  for (const moment of MOMENTS) {
    it(`${moment.name}: the next up starts from the same data dir, loads the fixture and serves all of it`, async () => {
      const dir = tempDir('interrupt');
      writeFileSync(join(dir, 'regions.yaml'), TOPOLOGY);
      await interruptAt(dir, moment.reached);

      const up = await startUp(ARGS, dir);
      try {
        for (const name of ['r-one', 'r-two']) {
          const r = await fetch(`${up.urls.get(name)}/_fabric/_system/_api/collection/addresses/count`, { headers: { authorization: `apikey ${up.apiKey}` } });
          expect(((await r.json()) as { count: number }).count).toBe(500);
        }
        const saved = await fetch(`${up.globalUrl}/_fabric/_system/_api/restql/execute/showAddresses`, { method: 'POST', headers: { authorization: `apikey ${up.apiKey}` }, body: '{}' });
        expect(saved.status).toBe(201);
      } finally {
        up.child.kill('SIGINT');
        expect((await up.exited).code).toBe(0);
      }
    });
  }
});
