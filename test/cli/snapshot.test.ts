import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type Running, startUp, twoRegionYaml } from '../helpers/cli.js';
import { get, post, useCredentials } from '../helpers/http.js';
import { tempDir } from '../helpers/tmp.js';

const TOPOLOGY = twoRegionYaml('cli-snapshot');

function credentialsOf(up: Running): void {
  useCredentials({ credentials: { apiKey: up.apiKey! }, globalUrl: () => up.globalUrl }, [...up.urls.values()]);
}

async function stop(up: Running): Promise<void> {
  up.child.kill('SIGTERM');
  await up.exited;
}

describe('fabric-emu snapshot', () => {
  it('save, load, up --from-snapshot, and a refused file', async () => {
    const dir = tempDir('cli-snap');
    writeFileSync(join(dir, 'regions.yaml'), TOPOLOGY);
    const file = join(dir, 'saved.snapshot');
    const first = await startUp(['--ephemeral', '--data-dir', join(dir, 'a')], dir, 60_000);
    credentialsOf(first);
    const url = ['--url', first.globalUrl];
    // The run file in the data dir gives both the URL and the dev API key the snapshot routes need.
    const fabricOf = ['--data-dir', join(dir, 'a')];
    try {
      const one = first.urls.get('r-one')!;
      expect((await post(`${one}/_api/collection`, { name: 'c' })).status).toBe(200);
      expect((await post(`${one}/_api/document/c`, { _key: 'saved' })).status).toBe(202);
      const saved = await runCli(['snapshot', 'save', file, ...fabricOf]);
      expect(saved.stderr).toBe('');
      expect(saved.stdout).toMatch(/^saved .*saved\.snapshot \(\d+(\.\d)? (bytes|MiB)\)\n$/);
      expect((await post(`${one}/_api/document/c`, { _key: 'later' })).status).toBe(202);

      const loaded = await runCli(['snapshot', 'load', file, ...fabricOf]);
      expect(loaded.stdout).toMatch(/^loaded .*: topology 'cli-snapshot', 2 regions, taken \d{4}-/);
      expect((await runCli(['wait', ...url])).code).toBe(0);
      expect((await get(`${first.urls.get('r-two')}/_api/document/c/saved`)).status).toBe(200);
      expect((await get(`${one}/_api/document/c/later`)).status).toBe(404);

      writeFileSync(join(dir, 'bad.snapshot'), 'not a snapshot');
      const bad = await runCli(['snapshot', 'load', join(dir, 'bad.snapshot'), ...fabricOf]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('not a fabric-emu snapshot');
      expect(bad.stderr).toContain('nothing was loaded');
      const missing = await runCli(['snapshot', 'load', join(dir, 'nope.snapshot'), ...fabricOf]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('cannot read snapshot');
      const keyless = await runCli(['snapshot', 'save', join(dir, 'x.snapshot'), ...url, '--api-key', 'wrong.dev.key']);
      expect(keyless.code).toBe(1);
      expect(keyless.stderr).toContain("GET /_emu/snapshot: 401: GET /_emu/snapshot carries every PoP's data: send the fabric's dev API key");
    } finally {
      await stop(first);
    }

    const second = await startUp(['--ephemeral', '--data-dir', join(dir, 'b'), '--from-snapshot', file], dir, 60_000);
    credentialsOf(second);
    try {
      expect((await get(`${second.urls.get('r-two')}/_api/document/c/saved`)).status).toBe(200);
    } finally {
      await stop(second);
    }
    const refused = await runCli(['up', '--ephemeral', '--data-dir', join(dir, 'c'), '--from-snapshot', join(dir, 'bad.snapshot')], dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/cannot start from the snapshot: snapshot .*bad\.snapshot: not a fabric-emu snapshot/);
  }, 90_000);
});
