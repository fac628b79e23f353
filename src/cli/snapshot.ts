import { createReadStream, createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebStream } from 'node:stream/web';
import type { Command } from 'commander';
import { ControlError } from './client.js';
import { UsageError } from './errors.js';
import { fabricApiKey, fabricUrl, withApiKeyOption, withFabricOptions, type FabricFlags } from './run-file.js';

async function send(o: FabricFlags, init: RequestInit & { duplex?: 'half' }): Promise<Response> {
  const base = fabricUrl(o);
  const url = `${base.replace(/\/$/, '')}/_emu/snapshot`;
  const key = fabricApiKey(o);
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), ...(key ? { authorization: `apikey ${key}` } : {}) } });
  } catch (e) {
    throw new ControlError(`cannot reach a fabric at ${base} (${(e as Error).message}); is 'fabric-emu up' running with this --data-dir? (or give --url, or FABRIC_EMU_URL)`);
  }
  if (!res.ok) {
    const text = await res.text();
    let msg = text;
    try {
      msg = (JSON.parse(text) as { errorMessage?: string }).errorMessage ?? text;
    } catch {
      /* not JSON: keep the text */
    }
    throw new ControlError(`${init.method ?? 'GET'} /_emu/snapshot: ${res.status}: ${msg}`);
  }
  return res;
}

const size = (bytes: number) => (bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : `${bytes} bytes`);

/** `fabric-emu snapshot save|load FILE`: over the control port, so the fabric may run in a container or elsewhere. */
export function registerSnapshot(program: Command): void {
  const snapshot = program.command('snapshot').description("save every PoP's data and the clock of a running fabric to a file, or load one (docs/snapshots.md)");

  withApiKeyOption(withFabricOptions(snapshot.command('save <file>').description('write a snapshot of the running fabric to FILE, taken while it serves'))).action(async (file: string, o: FabricFlags) => {
    const res = await send(o, { method: 'GET' });
    // Through a temporary file, so an interrupted save never leaves a half snapshot under FILE.
    const part = `${file}.part`;
    try {
      await pipeline(Readable.fromWeb(res.body as WebStream<Uint8Array>), createWriteStream(part));
      renameSync(part, file);
    } catch (e) {
      rmSync(part, { force: true });
      throw new ControlError(`writing ${file}: ${(e as Error).message}`);
    }
    console.log(`saved ${file} (${size(statSync(file).size)})`);
  });

  withApiKeyOption(withFabricOptions(snapshot.command('load <file>').description("replace every PoP's data and the clock with FILE's; a damaged or foreign file is refused and nothing changes"))).action(
    async (file: string, o: FabricFlags) => {
      let bytes: number;
      try {
        bytes = statSync(file).size;
      } catch (e) {
        throw new UsageError(`cannot read snapshot ${file}: ${(e as Error).message}`);
      }
      const res = await send(o, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes) },
        body: Readable.toWeb(createReadStream(file)) as unknown as RequestInit['body'],
        duplex: 'half',
      });
      const s = (await res.json()) as { createdAt: string; topology: string; regions: { name: string }[] };
      console.log(`loaded ${file}: topology '${s.topology}', ${s.regions.length} regions, taken ${s.createdAt}`);
    },
  );
}
