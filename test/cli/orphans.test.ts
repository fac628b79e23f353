import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startUp } from '../helpers/cli.js';
import { eventually } from '../helpers/http.js';
import { testTopology } from '../helpers/topology.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/_api/version`, { signal: AbortSignal.timeout(1000) });
    return false;
  } catch {
    return true;
  }
}

describe('up --processes', () => {
  it('children exit when the parent is killed with SIGKILL, freeing their ports for the next up', async () => {
    dir = mkdtempSync(join(tmpdir(), 'fabric-emu-orphans-'));
    const config = join(dir, 'regions.yaml');
    const t = testTopology({ regions: 3 });
    const lines = ['name: orphans', 'global: { port: 0 }', 'regions:', ...t.regions.map((r) => `  - { name: ${r.name}, city: ${r.city}, country: ${r.country}, countryName: ${r.countryName}, lat: ${r.lat}, lon: ${r.lon}, port: 0 }`)];
    writeFileSync(config, lines.join('\n') + '\n');
    const first = await startUp(['--config', config, '--data-dir', join(dir, 'data'), '--processes', '--no-latency']);
    const urls = [...first.urls].filter(([name]) => name !== 'global').map(([, url]) => url);
    expect(urls).toHaveLength(3);
    for (const u of urls) expect(await refused(u)).toBe(false);
    first.child.kill('SIGKILL');
    await first.exited;
    for (const u of urls) await eventually(() => refused(u), 10_000);
  });
});
