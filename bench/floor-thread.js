/**
 * One thread of the start-up floor (bench/child-floor.js), bundled into one CommonJS file and run
 * from a V8 code cache exactly as a PoP thread is (src/core/code-cache.ts): Fastify apps with a
 * PoP's routes, each answering a constant, and an in-memory SQLite database each, nothing else.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import Fastify from 'fastify';

/** Builds `apps` bare apps listening on free ports; resolves them. */
async function build(routes, apps) {
  const out = [];
  for (let i = 0; i < apps; i++) {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE docs (key TEXT PRIMARY KEY, body TEXT NOT NULL)');
    const app = Fastify({ exposeHeadRoutes: false });
    for (const r of routes) app.route({ method: r.method, url: r.url, handler: async () => ({ ok: true }) });
    app.addHook('onClose', async () => db.close());
    await app.listen({ host: '127.0.0.1', port: 0 });
    out.push(app);
  }
  return out;
}

async function main() {
  const { routes, apps } = workerData;
  let running = await build(routes, apps);
  globalThis.floorSaveCodeCache?.();
  parentPort.postMessage(running.map((a) => a.server.address().port));
  // 'again': what a fresh fabric costs a kept thread, its apps closed and built anew.
  parentPort.on('message', async () => {
    await Promise.all(running.map((a) => a.close()));
    running = await build(routes, apps);
    parentPort.postMessage(running.map((a) => a.server.address().port));
  });
}

// A failure is the thread's uncaught error, which the parent's 'error' listener reports.
void main();
