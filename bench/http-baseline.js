/**
 * The reference the emulator's HTTP figures are divided by: the least a Fastify 5 + better-sqlite3
 * server can do for one document write or read, with the same durability settings as a PoP
 * (WAL, synchronous=NORMAL) and no GDN semantics (no revisions, change log, path forms or headers).
 */
import Database from 'better-sqlite3';
import Fastify from 'fastify';

export const BASELINE_PATHS = { insert: '/doc', get: (key) => `/doc/${encodeURIComponent(key)}` };
/** A key-value set (upsert of the raw body) and get, the least a KV store over SQLite does. */
export const BASELINE_KV_PATHS = { set: (key) => `/kv/${encodeURIComponent(key)}`, get: (key) => `/kv/${encodeURIComponent(key)}` };

/**
 * Starts listening on an ephemeral loopback port; `dbPath` undefined keeps the table in memory.
 * With `tls` ({ key, cert, ca }, a certificate for localhost) it serves HTTPS instead: what TLS alone
 * costs a bare server, the ceiling of the emulator's HTTPS figures (bench/document-crud.js).
 */
export async function startHttpBaseline({ dbPath, tls } = {}) {
  const db = new Database(dbPath ?? ':memory:');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE IF NOT EXISTS docs (key TEXT PRIMARY KEY, body TEXT NOT NULL)');
  db.exec('CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO docs (key, body) VALUES (?, ?)');
  const get = db.prepare('SELECT body FROM docs WHERE key = ?').pluck();
  const kvSet = db.prepare('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  const kvGet = db.prepare('SELECT value FROM kv WHERE key = ?').pluck();
  let seq = 0;

  const app = Fastify({ logger: false, forceCloseConnections: 'idle', ...(tls ? { https: { key: tls.key, cert: tls.cert } } : {}) });
  app.post('/doc', async (req) => {
    const key = `${Date.now()}${String(++seq).padStart(6, '0')}`;
    insert.run(key, JSON.stringify({ _key: key, ...req.body }));
    return { _key: key };
  });
  app.get('/doc/:key', async (req, reply) => {
    const body = get.get(req.params.key);
    if (body === undefined) return reply.code(404).send({ error: true });
    return reply.type('application/json; charset=utf-8').send(body);
  });
  app.put('/kv/:key', async (req) => {
    kvSet.run(req.params.key, JSON.stringify(req.body));
    return { _key: req.params.key };
  });
  app.get('/kv/:key', async (req, reply) => {
    const value = kvGet.get(req.params.key);
    if (value === undefined) return reply.code(404).send({ error: true });
    return reply.type('application/json; charset=utf-8').send(value);
  });
  app.addHook('onClose', async () => db.close());

  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address();
  return { url: tls ? `https://localhost:${port}` : `http://127.0.0.1:${port}`, ...(tls ? { ca: tls.ca } : {}), close: () => app.close() };
}
