import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDevVars, readWorkersProject, scriptFormat, stripJsonc } from '../../src/edge/workers/config.js';
import { pagesRoutes } from '../../src/edge/workers/pages.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'fabric-emu-wrangler-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('a Workers project as wrangler reads it', () => {
  it('wrangler.toml: main, vars, bindings, compatibility; .dev.vars overrides vars', () => {
    const dir = project({
      'wrangler.toml': 'name = "x"\nmain = "src/w.js"\ncompatibility_date = "2024-01-01"\naccount_id = "ignored"\n[vars]\nA = "1"\nB = "2"\n[[kv_namespaces]]\nbinding = "KV"\nid = "abc"\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "db"\n[[r2_buckets]]\nbinding = "R2"\nbucket_name = "b"\n',
      '.dev.vars': '# secrets\nB="two"\nC=3\n',
      'src/w.js': 'export default { fetch() {} }',
    });
    expect(readWorkersProject(dir)).toMatchObject({
      name: 'x',
      main: join(dir, 'src/w.js'),
      format: 'modules',
      vars: { A: '1', B: 'two', C: '3' },
      kv: { KV: 'abc' },
      d1: { DB: 'db' },
      r2: { R2: 'b' },
      compatibilityDate: '2024-01-01',
    });
  });

  it('wrangler.jsonc with comments and trailing commas; a service-worker script', () => {
    const dir = project({
      'wrangler.jsonc': '{\n  // the worker\n  "main": "w.js", /* inline */ "vars": { "URL": "https://a//b", },\n}\n',
      'w.js': "addEventListener('fetch', (e) => e.respondWith(new Response('x')));",
    });
    expect(readWorkersProject(dir)).toMatchObject({ format: 'service-worker', vars: { URL: 'https://a//b' } });
  });

  it('a config error names the file and the key', () => {
    const dir = project({ 'wrangler.toml': 'main = 3\n' });
    expect(() => readWorkersProject(dir)).toThrow(/wrangler\.toml: main: /);
    const none = project({ 'README.md': '' });
    expect(() => readWorkersProject(none)).toThrow(/neither a main script .* nor a functions\/ folder/);
  });

  it('helpers: jsonc, .dev.vars, format', () => {
    expect(JSON.parse(stripJsonc('{"a": "// not a comment", /* c */ "b": [1,2,],}'))).toEqual({ a: '// not a comment', b: [1, 2] });
    expect(parseDevVars("export K='v w'\nX=1 # note\n")).toEqual({ K: 'v w', X: '1' });
    expect(scriptFormat('const x = 1;\nexport { handler as default };')).toBe('modules');
    expect(scriptFormat("addEventListener('fetch', f)")).toBe('service-worker');
  });
});

describe('Pages Functions routes', () => {
  it('by file name: middleware first, then literal before [param] before [[catchall]]', () => {
    const dir = project({
      'functions/_middleware.js': '',
      'functions/index.js': '',
      'functions/api/[id].js': '',
      'functions/api/special.js': '',
      'functions/api/[[rest]].js': '',
      'functions/api/_middleware.js': '',
      'functions/notes.txt': '',
    });
    const routes = pagesRoutes(join(dir, 'functions'));
    expect(routes.map((r) => `${r.kind} ${r.file}`)).toEqual([
      'middleware _middleware.js',
      'middleware api/_middleware.js',
      'route api/special.js',
      'route api/[id].js',
      'route api/[[rest]].js',
      'route index.js',
    ]);
    expect(routes.find((r) => r.file === 'api/[id].js')!.pattern).toEqual([{ literal: 'api' }, { param: 'id' }]);
  });
});
