import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Packages a consumer of fabric-emu's types must not need: the raw internals stay private. */
const WITHHELD = new Set(['better-sqlite3', 'ws', '@types/better-sqlite3', '@types/ws', '@peculiar', 'undici', 'fabric-emu']);

const work = mkdtempSync(join(tmpdir(), 'fabric-emu-consumer-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The consumer's node_modules: the packed tarball plus every installed package but the withheld ones. */
function consumerModules(dir: string): void {
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, '@types'), { recursive: true });
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
    if (entry.startsWith('.') || entry === '@types' || WITHHELD.has(entry)) continue;
    symlinkSync(join(ROOT, 'node_modules', entry), join(modules, entry));
  }
  for (const entry of readdirSync(join(ROOT, 'node_modules', '@types'))) {
    if (!WITHHELD.has(`@types/${entry}`)) symlinkSync(join(ROOT, 'node_modules', '@types', entry), join(modules, '@types', entry));
  }
  const tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
  mkdirSync(join(modules, 'fabric-emu'));
  execFileSync('tar', ['-xzf', join(work, tarball), '-C', join(modules, 'fabric-emu'), '--strip-components=1']);
}

const CONSUMER = `
import { startFabric, defaultTopology, FabricClock, GdnError, gdnConnection, type Fabric, type RegionHandle, type FabricStatus, type ClockState, type GdnConnection } from 'fabric-emu';
import { useFabric, type UseFabricOptions } from 'fabric-emu/vitest';

export function fixture(): Fabric {
  const options: UseFabricOptions = { latency: false, isolate: 'reset' };
  return useFabric(options);
}

export async function disposable(): Promise<string> {
  await using fabric = await startFabric();
  return fabric.urls.global.http + String(fabric.urls.regions['gdn-us-east']?.https) + fabric.jsc8('gdn-us-east').url;
}

export async function use(): Promise<number> {
  const clock = new FabricClock();
  const fabric: Fabric = await startFabric({ topology: defaultTopology(), latency: false, clock, https: { port: 0 } });
  const east: RegionHandle = fabric.region('gdn-us-east');
  const status: FabricStatus = await fabric.status();
  const c: ClockState = await fabric.clock({ advance: 1000 });
  const conn: GdnConnection = await gdnConnection(fabric, { region: 'gdn-us-east' });
  const res: Response = await conn.fetch(\`\${conn.apiUrl}/_api/version\`);
  const jsc8Config: { url: string; agentOptions: object } = conn.jsc8;
  await conn.close();
  await fabric.close();
  if (!res.ok || !jsc8Config.url || fabric.https?.caFile === '') throw new Error('unreachable');
  if (!(new GdnError('NOT_FOUND') instanceof Error)) throw new Error('unreachable');
  return east.port() + status.links.length + c.offsetMs;
}
`;

describe('the published package', () => {
  it('its .d.ts compiles in a strict consumer without skipLibCheck, @types/ws or @types/better-sqlite3', () => {
    const dir = join(work, 'consumer');
    mkdirSync(dir);
    consumerModules(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, skipLibCheck: false, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', types: ['node'], exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true },
        include: ['index.ts'],
      }),
    );
    writeFileSync(join(dir, 'index.ts'), CONSUMER);
    let output = '';
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { cwd: dir, encoding: 'utf8' });
    } catch (e) {
      output = String((e as { stdout?: string }).stdout ?? e);
    }
    expect(output).toBe('');
  }, 120_000);
});
