/*
 * The snapshot file: every PoP's replica image and the fabric's clock in one file.
 *
 *   "fabric-emu snapshot\n"   magic, 20 bytes
 *   u32 big-endian            length of the header
 *   header                    JSON, SnapshotHeader
 *   32 bytes                  SHA-256 of the header
 *   per image, in header order:
 *     image                   a SQLite database file, `bytes` long
 *     32 bytes                SHA-256 of the image
 *
 * and nothing after. Lengths up front let a truncated file be told from a damaged one; the
 * checksums catch every changed byte before anything is loaded.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, openSync, readSync, closeSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { gdnError, type GdnError } from '../core/errors.js';

export const SNAPSHOT_MAGIC = Buffer.from('fabric-emu snapshot\n', 'ascii');
/** The layout above; a reader refuses a higher one. Schema changes of the images are their own version. */
export const SNAPSHOT_FORMAT = 1;
const DIGEST = 32;
const MAX_HEADER = 16 * 1024 * 1024;

const Header = z.strictObject({
  format: z.number().int().positive(),
  fabricEmu: z.string(),
  createdAt: z.string(),
  topology: z.string(),
  clock: z.strictObject({ now: z.number(), offsetMs: z.number(), frozen: z.boolean() }),
  images: z
    .array(
      z.strictObject({
        region: z.string().min(1),
        bytes: z.number().int().nonnegative(),
        schemaVersion: z.number().int().positive(),
        lastSeq: z.number().int().nonnegative(),
      }),
    )
    .min(1),
});

export type SnapshotHeader = z.infer<typeof Header>;
export type SnapshotImage = SnapshotHeader['images'][number];

export function snapshotError(file: string, why: string): GdnError {
  return gdnError('BAD_PARAMETER', `snapshot ${file}: ${why}; nothing was loaded`);
}

function hashing(hash: ReturnType<typeof createHash>): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
}

/**
 * Writes the snapshot of `images` (region name → the file holding its image) to `out`, through a
 * temporary file beside it renamed at the end, so `out` is never left half written.
 */
export async function writeSnapshot(out: string, header: Omit<SnapshotHeader, 'format'>, files: ReadonlyMap<string, string>): Promise<SnapshotHeader> {
  const full: SnapshotHeader = { format: SNAPSHOT_FORMAT, ...header, images: header.images.map((i) => ({ ...i, bytes: statSync(files.get(i.region) as string).size })) };
  const json = Buffer.from(JSON.stringify(full));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  const part = `${out}.${randomBytes(4).toString('hex')}.part`;
  const w = createWriteStream(part);
  const put = (b: Buffer) => new Promise<void>((resolve, reject) => w.write(b, (e) => (e ? reject(e) : resolve())));
  try {
    await put(Buffer.concat([SNAPSHOT_MAGIC, length, json, createHash('sha256').update(json).digest()]));
    for (const image of full.images) {
      const hash = createHash('sha256');
      await pipeline(createReadStream(files.get(image.region) as string), hashing(hash), w, { end: false });
      await put(hash.digest());
    }
    await new Promise<void>((resolve, reject) => w.end((e?: Error | null) => (e ? reject(e) : resolve())));
    renameSync(part, out);
  } catch (e) {
    w.destroy();
    rmSync(part, { force: true });
    throw e;
  }
  return full;
}

function readAt(fd: number, position: number, length: number): Buffer {
  const b = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, b, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return b.subarray(0, got);
}

/** Reads and checks the header: magic, length, checksum, shape and format version. */
export function readSnapshotHeader(file: string): { header: SnapshotHeader; imagesAt: number; size: number } {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw gdnError('BAD_PARAMETER', `cannot read snapshot ${file}: ${(e as Error).message}`);
  }
  try {
    const size = statSync(file).size;
    const head = readAt(fd, 0, SNAPSHOT_MAGIC.length + 4);
    const magic = head.subarray(0, SNAPSHOT_MAGIC.length);
    // A file cut inside the magic still starts like one: that is a truncated snapshot, not a foreign file.
    if (magic.length === 0 || !SNAPSHOT_MAGIC.subarray(0, magic.length).equals(magic)) {
      throw snapshotError(file, 'not a fabric-emu snapshot (it does not start with the snapshot magic)');
    }
    if (head.length < SNAPSHOT_MAGIC.length + 4) throw snapshotError(file, `truncated: ${size} bytes, not even a whole header`);
    const length = head.readUInt32BE(SNAPSHOT_MAGIC.length);
    if (length > MAX_HEADER) throw snapshotError(file, `damaged: its header claims ${length} bytes`);
    const start = SNAPSHOT_MAGIC.length + 4;
    const json = readAt(fd, start, length);
    const digest = readAt(fd, start + length, DIGEST);
    if (json.length < length || digest.length < DIGEST) throw snapshotError(file, `truncated: ${size} bytes, not even a whole header`);
    if (!createHash('sha256').update(json).digest().equals(digest)) throw snapshotError(file, 'damaged: the header does not match its checksum');
    let parsed: unknown;
    try {
      parsed = JSON.parse(json.toString('utf8'));
    } catch {
      throw snapshotError(file, 'damaged: the header is not JSON');
    }
    const format = (parsed as { format?: unknown } | null)?.format;
    if (typeof format === 'number' && format > SNAPSHOT_FORMAT) {
      throw snapshotError(file, `it has snapshot format ${format}, newer than this fabric-emu reads (${SNAPSHOT_FORMAT}); load it with a newer fabric-emu`);
    }
    const r = Header.safeParse(parsed);
    if (!r.success) throw snapshotError(file, `damaged: unexpected header (${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message})`);
    const imagesAt = start + length + DIGEST;
    const expected = r.data.images.reduce((n, i) => n + i.bytes + DIGEST, imagesAt);
    if (size < expected) throw snapshotError(file, `truncated: ${size} bytes of the ${expected} its header announces`);
    if (size > expected) throw snapshotError(file, `damaged: ${size - expected} bytes after the last image`);
    return { header: r.data, imagesAt, size };
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks a whole snapshot and unpacks its images into `dir` (one `<region>.sqlite` each); every
 * image's checksum is verified before this resolves. Returns the header and the image files.
 */
export async function readSnapshot(file: string, dir: string): Promise<{ header: SnapshotHeader; files: Map<string, string> }> {
  const { header, imagesAt } = readSnapshotHeader(file);
  const files = new Map<string, string>();
  let at = imagesAt;
  for (const image of header.images) {
    const target = join(dir, `${files.size}.sqlite`);
    const hash = createHash('sha256');
    if (image.bytes > 0) await pipeline(createReadStream(file, { start: at, end: at + image.bytes - 1 }), hashing(hash), createWriteStream(target));
    else closeSync(openSync(target, 'w'));
    const fd = openSync(file, 'r');
    const digest = readAt(fd, at + image.bytes, DIGEST);
    closeSync(fd);
    if (!hash.digest().equals(digest)) throw snapshotError(file, `damaged: the image of ${image.region} does not match its checksum`);
    files.set(image.region, target);
    at += image.bytes + DIGEST;
  }
  return { header, files };
}
