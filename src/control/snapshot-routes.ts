import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyPluginAsync } from 'fastify';
import { gdnError, isGdnError } from '../core/errors.js';
import { proofMatches } from '../replication/index.js';
import type { FabricControl } from './types.js';

export const SNAPSHOT_PATH = '/_emu/snapshot';

export interface SnapshotRouteOptions {
  /** The fabric's dev API key, which a snapshot request must carry; undefined when auth is off. */
  apiKey?: string | undefined;
}

function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'fabric-emu-snapshot-http-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * GET /_emu/snapshot answers a snapshot of the running fabric as the file's bytes; POST takes a
 * snapshot file's bytes as the body and loads it. Files go through a temporary folder on this side,
 * so the client need not share a file system with the fabric (a container, another machine).
 */
export function snapshotRoutes(control: Pick<FabricControl, 'saveSnapshot' | 'loadSnapshot'>, opts: SnapshotRouteOptions = {}): FastifyPluginAsync {
  return async (app) => {
    // A snapshot is every tenant's data, users and key hashes included: with auth on, only the holder of the dev key moves one.
    app.addHook('onRequest', async (req) => {
      const key = opts.apiKey;
      if (key === undefined) return;
      const given = /^apikey\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (given === undefined || !proofMatches(key, given)) {
        throw gdnError('UNAUTHORIZED', `${req.method} ${SNAPSHOT_PATH} carries every PoP's data: send the fabric's dev API key as 'Authorization: apikey <key>' (fabric-emu up prints it; fabric.credentials.apiKey)`);
      }
    });
    // The body is a binary file, read as a stream: no JSON parsing, no body limit beyond the disk.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    app.get(SNAPSHOT_PATH, async (_req, reply) => {
      const t = tempDir();
      const file = join(t.dir, 'fabric.snapshot');
      try {
        await control.saveSnapshot(file);
      } catch (e) {
        t.remove();
        throw e;
      }
      reply.raw.on('close', t.remove);
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      return reply
        .type('application/octet-stream')
        .header('content-disposition', `attachment; filename="fabric-emu-${stamp}.snapshot"`)
        .send(createReadStream(file));
    });
    app.post(SNAPSHOT_PATH, async (req) => {
      const body = req.body as Readable | undefined;
      if (!body) throw gdnError('BAD_PARAMETER', 'POST /_emu/snapshot takes a snapshot file as its body (GET /_emu/snapshot or `fabric-emu snapshot save` writes one)');
      const t = tempDir();
      try {
        const file = join(t.dir, 'upload.snapshot');
        await pipeline(body, createWriteStream(file));
        const summary = await control.loadSnapshot(file).catch((e: unknown) => {
          // The temporary file means nothing to the client: its messages name the body instead.
          throw isGdnError(e) ? gdnError(e.errorName, e.message.replaceAll(file, '(the request body)')) : e;
        });
        return { ok: true, ...summary, file: '(the request body)' };
      } finally {
        t.remove();
      }
    });
  };
}
