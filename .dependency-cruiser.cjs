/**
 * The one-way layers of DESIGN.md, checked in CI. A layer may import only the layers below it:
 *   core <- topology <- latency <- storage | query <- auth | streams <- api <- replication <- control <- region <- fabric <- index <- cli | testing | testcontainers
 * streams/ is the live side of the streams kept in storage (subscriptions, dispatch), used by the API.
 * tls/ (certificates) sits on core and serves fabric; client/ (the connection helper) sits on core
 * and tls and is exported by index; fabric/ uses it to hand out jsC8's options.
 * fixtures/ and edge/ are clients of a running fabric over HTTP, beside the fabric, not above it.
 * sim/ runs a whole fabric as a deterministic simulation from the layers below the API, beside region/.
 * with query and storage never importing each other, and query pure (no node:* modules).
 */
const layer = (name, allowed) => ({
  name: `${name}-imports-only-${allowed.join('-') || 'itself'}`,
  severity: 'error',
  comment: `src/${name} may import only ${allowed.length ? allowed.map((a) => 'src/' + a).join(', ') : 'itself'} inside src/`,
  from: { path: `^src/${name}/` },
  to: { path: '^src/', pathNot: [`^src/${name}/`, ...allowed.map((a) => `^src/${a}/`)] },
});

module.exports = {
  forbidden: [
    layer('core', []),
    layer('topology', ['core']),
    layer('latency', ['core', 'topology']),
    layer('storage', ['core']),
    layer('query', ['core']),
    layer('auth', ['core', 'topology', 'storage']),
    layer('streams', ['core', 'storage']),
    layer('api', ['core', 'topology', 'latency', 'storage', 'query', 'auth', 'streams']),
    layer('replication', ['core', 'topology', 'latency', 'storage']),
    layer('region', ['core', 'topology', 'latency', 'storage', 'query', 'auth', 'streams', 'api', 'replication', 'control']),
    layer('control', ['core', 'topology', 'api', 'replication']),
    layer('tls', ['core']),
    layer('client', ['core', 'tls']),
    layer('fabric', ['core', 'topology', 'latency', 'storage', 'auth', 'api', 'replication', 'region', 'control', 'tls', 'client']),
    layer('sim', ['core', 'topology', 'latency', 'storage', 'streams', 'replication']),
    // Clients of a running fabric: they speak its HTTP API, never reach into its internals.
    layer('fixtures', ['core', 'topology']),
    // edge/ answers its own errors with the registry's envelope (core/http-errors.ts), as every server does.
    layer('edge', ['core']),
    {
      name: 'query-is-pure',
      severity: 'error',
      comment: 'src/query runs anywhere: no Node built-ins, no fastify, no sqlite; only re2js (RE2 in plain JavaScript, for linear-time regular expressions)',
      from: { path: '^src/query/' },
      to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer'], pathNot: '^node_modules/re2js/' },
    },
    {
      name: 'only-storage-imports-sqlite',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/storage/' },
      to: { path: 'node_modules/better-sqlite3' },
    },
    {
      name: 'cli-and-testing-use-the-public-api',
      severity: 'error',
      comment: 'cli/, testing/ and testcontainers/ go through src/index.ts only',
      from: { path: '^src/(cli|testing|testcontainers)/' },
      to: { path: '^src/', pathNot: ['^src/index\\.ts$', '^src/(cli|testing|testcontainers)/'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
