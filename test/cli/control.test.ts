import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startUp, twoRegionYaml } from '../helpers/cli.js';
import { get, post, useCredentials } from '../helpers/http.js';
import { tempDir } from '../helpers/tmp.js';

const TOPOLOGY = twoRegionYaml('cli-control');

describe('control commands against a running fabric', () => {
  it('status, partition, heal, wait, kill and restart', async () => {
    const dir = tempDir('cli');
    writeFileSync(join(dir, 'regions.yaml'), TOPOLOGY);
    const up = await startUp(['--ephemeral'], dir);
    const url = ['--url', up.globalUrl];
    const one = up.urls.get('r-one')!;
    const two = up.urls.get('r-two')!;
    useCredentials({ credentials: { apiKey: up.apiKey! }, globalUrl: () => up.globalUrl }, [one, two]);
    try {
      await post(`${one}/_api/collection`, { name: 'c' });
      expect((await runCli(['wait', ...url])).code).toBe(0);
      const status = await runCli(['status', ...url]);
      expect(status.code).toBe(0);
      // RTT (the profile), then the network round trip the link measured.
      expect(status.stdout).toMatch(/r-one\s+r-two\s+open\s+20\s+[\d.]+\s+1\s+1\s+1\s+0/);

      expect((await runCli(['partition', 'r-one', 'r-two', ...url])).code).toBe(0);
      await post(`${one}/_api/document/c`, { _key: 'p' });
      const json = JSON.parse((await runCli(['status', '--json', ...url])).stdout);
      expect(json.links.find((l: { from: string }) => l.from === 'r-one')).toMatchObject({ cut: true, queueDepth: 1 });
      expect((await runCli(['heal', ...url])).code).toBe(0);
      expect((await runCli(['wait', '--timeout', '10000', ...url])).code).toBe(0);
      expect((await get(`${two}/_api/document/c/p`)).status).toBe(200);

      expect((await runCli(['kill', 'r-two', ...url])).code).toBe(0);
      expect((await runCli(['status', ...url])).stdout).toMatch(/r-two\s+killed/);
      expect((await runCli(['restart', 'r-two', ...url])).code).toBe(0);
      expect((await get(`${two}/_api/document/c/p`)).status).toBe(200);

      const bad = await runCli(['kill', 'mars', ...url]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain("unknown region 'mars'");
    } finally {
      up.child.kill('SIGTERM');
      await up.exited;
    }
    // Ten CLI processes, each a Node start-up, after a fabric's: about 28 s on a machine at load 10.
  }, 90_000);

  it('says clearly when no fabric is running', async () => {
    const r = await runCli(['status', '--url', 'http://127.0.0.1:1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot reach a fabric');
  });
});
