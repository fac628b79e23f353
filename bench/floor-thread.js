/**
 * One thread of the start-up floor (bench/child-floor.js), bundled into one CommonJS file and run
 * from a V8 code cache exactly as a PoP thread is (src/core/code-cache.ts): Fastify apps with a
 * PoP's routes, each answering a constant, and an in-memory SQLite database each, nothing else.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import Fastify from 'fastify';

async function main() {
  const { routes, apps } = workerData;
  const ports = [];
  for (let i = 0; i < apps; i++) {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE docs (key TEXT PRIMARY KEY, body TEXT NOT NULL)');
    const app = Fastify({ exposeHeadRoutes: false });
    for (const r of routes) app.route({ method: r.method, url: r.url, handler: async () => ({ ok: true }) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    ports.push(app.server.address().port);
  }
  globalThis.floorSaveCodeCache?.();
  parentPort.postMessage(ports);
}

main().catch((e) => {
  throw e;
});
