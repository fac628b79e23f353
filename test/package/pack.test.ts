import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * What `npm pack` ships, checked against what package.json and the README point to. Uses the
 * built dist/ (`npm test` builds first) and --ignore-scripts, so packing rebuilds nothing.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  main: string; types: string; bin: Record<string, string>; files: string[]; license: string;
  exports: Record<string, Record<string, string>>;
};
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

let shipped: Set<string>;
beforeAll(() => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  shipped = new Set((JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path));
}, 60_000);

const clean = (p: string): string => normalize(p).replace(/^\.\//, '').replace(/\/$/, '');
/** A file that is shipped, or a folder with at least one shipped file. */
const ships = (p: string): boolean => shipped.has(clean(p)) || [...shipped].some((f) => f.startsWith(`${clean(p)}/`));

/** Relative markdown link targets of a document, resolved against its folder. */
function links(doc: string, text: string): string[] {
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!.split('#')[0]!)
    .filter((t) => t !== '' && !/^[a-z]+:/i.test(t))
    .map((t) => clean(join(dirname(doc), t)));
}

describe('the packed tarball', () => {
  it('holds main, types, every bin and every exports target', () => {
    const targets = [pkg.main, pkg.types, ...Object.values(pkg.bin), ...Object.values(pkg.exports).flatMap((e) => Object.values(e))];
    expect(targets.filter((t) => !ships(t))).toEqual([]);
  });

  it('holds something for every files entry and nothing a negated entry excludes', () => {
    expect(pkg.files.filter((f) => !f.startsWith('!') && !ships(f))).toEqual([]);
    expect(pkg.files.filter((f) => f.startsWith('!') && ships(f.slice(1)))).toEqual([]);
  });

  it('holds the LICENSE package.json names and every file the bin imports', () => {
    expect(pkg.license).toBe('MIT');
    expect(ships('LICENSE')).toBe(true);
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    const bin = readFileSync(join(ROOT, Object.values(pkg.bin)[0]!), 'utf8');
    const imports = [...bin.matchAll(/from '(\.[^']+)'/g)].map((m) => clean(join('bin', m[1]!)));
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((i) => !ships(i))).toEqual([]);
  });

  it('holds every file and folder the README points to, and every link of the shipped docs', () => {
    const mentioned = [...readme.matchAll(/\b(?:docs|examples|fixtures|presets|src)\/[\w./-]*[\w/]|\bregions\.yaml\b/g)].map((m) => clean(m[0]));
    const pointed = [...new Set([...links('README.md', readme), ...mentioned])];
    expect(pointed.length).toBeGreaterThan(10);
    expect(pointed.filter((p) => !ships(p))).toEqual([]);
    const docs = [...shipped].filter((f) => f.endsWith('.md'));
    const broken = docs.flatMap((d) => links(d, readFileSync(join(ROOT, d), 'utf8')).filter((t) => !ships(t)).map((t) => `${d} -> ${t}`));
    expect(broken).toEqual([]);
  });

  it('ships no source map without the sources it points to', () => {
    const maps = [...shipped].filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    const missing = maps.flatMap((m) => {
      const map = JSON.parse(readFileSync(join(ROOT, m), 'utf8')) as { sources: string[]; sourceRoot?: string };
      return map.sources.map((s) => clean(join(dirname(m), map.sourceRoot ?? '', s))).filter((s) => !shipped.has(s)).map((s) => `${m} -> ${s}`);
    });
    expect(missing).toEqual([]);
  });

  it('ships no tests, benchmarks, CI scripts, build state or data dirs', () => {
    expect([...shipped].filter((f) => /^(test|bench|\.ci|node_modules|\.fabric-emu|\.cache)\/|tsbuildinfo/.test(f))).toEqual([]);
  });
});

describe('the build', () => {
  it('leaves no output in dist/ whose source in src/ is gone', () => {
    const outputs = (readdirSync(join(ROOT, 'dist'), { recursive: true }) as string[]).filter((f) => /\.(js|js\.map|d\.ts)$/.test(f));
    expect(outputs.length).toBeGreaterThan(0);
    expect(outputs.filter((f) => !existsSync(join(ROOT, 'src', f.replace(/\.(js|js\.map|d\.ts)$/, '.ts'))))).toEqual([]);
  });

  it('on a built tree rebuilds nothing (npx fabric-emu runs the prepare script of a clone)', () => {
    const out = execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json', '--dry', '--verbose'], { cwd: ROOT, encoding: 'utf8' });
    expect(out, 'dist/ is older than src/: run npm run build').toMatch(/is up to date/);
  });
});
