import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startUp } from '../helpers/cli.js';
import { curl } from '../helpers/curl.js';
import { tempDir } from '../helpers/tmp.js';

const TOPOLOGY = `
name: cli-test
global: { port: 0 }
regions:
  - { name: r-one, city: Ashburn, country: US, countryName: United States, lat: 39.04, lon: -77.49, port: 0 }
  - { name: r-two, city: Frankfurt, country: DE, countryName: Germany, lat: 50.11, lon: 8.68, port: 0 }
latency:
  - { between: [r-one, r-two], rttMs: 90, jitterMs: 2, source: test }
`;

function workdir(): string {
  const dir = tempDir('cli');
  writeFileSync(join(dir, 'regions.yaml'), TOPOLOGY);
  return dir;
}

describe('fabric-emu up', () => {
  it('serves, exits cleanly on SIGTERM and keeps data across restarts', async () => {
    const dir = workdir();
    const args = ['--config', 'regions.yaml', '--data-dir', 'data', '--no-latency'];
    const first = await startUp(args, dir);
    expect([...first.urls.keys()]).toEqual(['r-one', 'r-two', 'global']);
    expect(first.stdout()).toContain('Ashburn');
    expect(first.stdout()).toMatch(/tenant: {2}_mm {3}user: root {3}email: \S+ {3}password: \S+/);
    const headers = { authorization: `apikey ${first.apiKey}` };
    const health = await fetch(`${first.globalUrl}/_emu/health`);
    expect(health.status).toBe(200);
    const one = first.urls.get('r-one')!;
    expect((await fetch(`${one}/_fabric/_system/_api/collection`)).status).toBe(401);
    const created = await fetch(`${one}/_fabric/_system/_api/collection`, { method: 'POST', headers, body: JSON.stringify({ name: 'cities' }) });
    expect(created.status).toBe(200);
    const ins = await fetch(`${one}/_fabric/_system/_api/document/cities`, { method: 'POST', headers, body: JSON.stringify({ _key: 'fra', name: 'Frankfurt' }) });
    expect(ins.status).toBe(202);
    const read = await fetch(`${one}/_fabric/_system/_api/document/cities/fra`, { headers });
    expect(((await read.json()) as { name: string }).name).toBe('Frankfurt');
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });

    const second = await startUp(args, dir);
    // The dev key comes from the data dir's secret: the same after a restart.
    expect(second.apiKey).toBe(first.apiKey);
    const again = await fetch(`${second.urls.get('r-one')}/_fabric/_system/_api/document/cities/fra`, { headers });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { name: string }).name).toBe('Frankfurt');
    second.child.kill('SIGINT');
    expect((await second.exited).code).toBe(0);
  });

  it('--ephemeral keeps nothing', async () => {
    const dir = workdir();
    const args = ['--config', 'regions.yaml', '--ephemeral', '--no-latency'];
    const first = await startUp(args, dir);
    const one = first.urls.get('r-one')!;
    await fetch(`${one}/_fabric/_system/_api/collection`, { method: 'POST', headers: { authorization: `apikey ${first.apiKey}` }, body: JSON.stringify({ name: 'c' }) });
    first.child.kill('SIGTERM');
    await first.exited;
    const second = await startUp(args, dir);
    expect((await fetch(`${second.urls.get('r-one')}/_fabric/_system/_api/collection/c`, { headers: { authorization: `apikey ${second.apiKey}` } })).status).toBe(404);
    second.child.kill('SIGTERM');
    await second.exited;
  });

  it('binds loopback by default; --no-auth is printed loudly, and warned about when --host is not loopback', async () => {
    const dir = workdir();
    const plain = await startUp(['--config', 'regions.yaml', '--ephemeral', '--no-latency'], dir);
    for (const u of plain.urls.values()) expect(new URL(u).hostname).toBe('127.0.0.1');
    expect(plain.stderr()).not.toContain('WARNING');
    plain.child.kill('SIGTERM');
    await plain.exited;
    const open = await startUp(['--config', 'regions.yaml', '--ephemeral', '--no-latency', '--no-auth', '--host', '0.0.0.0'], dir);
    expect(open.stdout()).toContain('AUTHENTICATION IS OFF (--no-auth)');
    expect(open.apiKey).toBeUndefined();
    expect(open.stderr()).toMatch(/WARNING: --host 0\.0\.0\.0 is not a loopback address and authentication is off/);
    const one = new URL(open.urls.get('r-one')!);
    expect((await fetch(`http://127.0.0.1:${one.port}/_fabric/_system/_api/collection`)).status).toBe(200);
    open.child.kill('SIGTERM');
    await open.exited;
  });

  it('takes the dev credentials from regions.yaml and the environment', async () => {
    const dir = tempDir('cli');
    writeFileSync(join(dir, 'regions.yaml'), `${TOPOLOGY}dev: { tenant: demo_example.com, email: demo@example.com, apiKey: demo_example.com.ci.0123456789abcdef0 }\n`);
    const env = { ...process.env, FABRIC_EMU_PASSWORD: 'from-the-env' };
    const up = await startUp(['--config', 'regions.yaml', '--ephemeral', '--no-latency'], dir, 20_000, env);
    expect(up.stdout()).toMatch(/tenant: {2}demo_example\.com {3}user: root {3}email: demo@example\.com {3}password: from-the-env/);
    expect(up.apiKey).toBe('demo_example.com.ci.0123456789abcdef0');
    const login = await fetch(`${up.urls.get('r-one')}/_open/auth`, { method: 'POST', body: JSON.stringify({ email: 'demo@example.com', password: 'from-the-env' }) });
    expect(((await login.json()) as { tenant: string }).tenant).toBe('demo_example.com');
    up.child.kill('SIGTERM');
    await up.exited;
  });

  it('names the file, line and key of a bad topology and exits 3', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'bad.yaml'), TOPOLOGY.replace('lon: 8.68', 'lon: 8.68, colour: red'));
    const r = await runCli(['up', '--config', 'bad.yaml'], dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/bad\.yaml:6:\d+: regions\[1\]\.colour/);
  });

  it('refuses an unknown preset with the known ones (a bad topology, 3), and --config with --preset (bad usage, 2)', async () => {
    const r = await runCli(['up', '--preset', 'nowhere']);
    expect(r.code).toBe(3);
    const both = await runCli(['up', '--preset', 'seed-4', '--config', 'regions.yaml']);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('fabric-emu: use either --config or --preset, not both\n');
    expect(r.stderr).toContain('seed-4');
  });

  it('serves the HTTPS front door and prints the exact commands that trust it; the certificate is kept', async () => {
    const dir = workdir();
    const args = ['--config', 'regions.yaml', '--data-dir', 'data', '--no-latency', '--https-port', '0'];
    const first = await startUp(args, dir);
    const out = first.stdout();
    const port = Number(/front door on port (\d+)/.exec(out)?.[1]);
    const ca = join(dir, 'data', 'tls', 'ca.pem');
    expect(out).toContain(`export NODE_EXTRA_CA_CERTS=${ca}`);
    expect(out).toContain(`curl --cacert ${ca} https://api-r-one.localhost:${port}/_api/version`);
    expect(out).toContain('made now: CA (none yet); server certificate (none yet)');
    const r = await curl(['--cacert', ca, `https://api-r-two.localhost:${port}/_api/version`]);
    expect(r.headers['x-gdn-region']).toBe('r-two');
    first.child.kill('SIGTERM');
    await first.exited;
    const second = await startUp(args, dir);
    expect(second.stdout()).toContain(`CA certificate: ${ca}; also at`);
    second.child.kill('SIGTERM');
    await second.exited;
  });

  it('--ephemeral keeps its certificate in the per-user cache dir, so a second run presents the same CA', async () => {
    const dir = workdir();
    const cacheCa = join(process.env['FABRIC_EMU_TLS_DIR']!, 'ca.pem');
    const first = await startUp(['--config', 'regions.yaml', '--ephemeral', '--no-latency'], dir);
    expect(first.stdout()).toContain(`CA certificate: ${cacheCa}`);
    const pem = readFileSync(cacheCa, 'utf8');
    first.child.kill('SIGTERM');
    await first.exited;
    const second = await startUp(['--config', 'regions.yaml', '--ephemeral', '--no-latency'], dir);
    const port = Number(/front door on port (\d+)/.exec(second.stdout())?.[1]);
    expect((await curl([`https://localhost:${port}/_emu/ca.pem`, '--cacert', cacheCa])).body).toBe(pem);
    second.child.kill('SIGTERM');
    await second.exited;
  });

  it('refuses a bad --https-port', async () => {
    const r = await runCli(['up', '--https-port', 'eighty']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("expected a port 0-65535, got 'eighty'");
  });
});
