import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LOOPBACK_IPS } from '../core/gdn-hosts.js';
import { issueCa, issueServer, type Issued } from './issue.js';

/** What the front door serves with, and what its clients must trust. */
export interface TlsMaterial {
  /** The local CA's certificate (PEM): what clients trust. */
  ca: string;
  /** The file holding only that certificate, or undefined when the material lives in memory. */
  caFile: string | undefined;
  /** The server certificate and its key (PEM). */
  cert: string;
  key: string;
  /** What this call made afresh and why, e.g. `server certificate (expired on ...)`; empty when all was kept. */
  made: string[];
}

/** Trust this one: the CA certificate alone. */
export const CA_FILE = 'ca.pem';
/** The CA's key and certificate together, so that one rename replaces both at once. Kept private. */
const CA_PRIVATE = 'ca-private.pem';
const SERVER_PRIVATE = 'server-private.pem';

/** A certificate this close to its end is renewed at the next start rather than left to expire mid-run. */
const RENEW_BEFORE_MS = 7 * 86_400_000;

/**
 * Where `fabric-emu up --ephemeral` keeps its certificate, so that repeated throw-away runs present
 * the same CA and users trust it once: FABRIC_EMU_TLS_DIR, else the per-user cache dir of the OS.
 */
export function tlsCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const given = env['FABRIC_EMU_TLS_DIR'];
  if (given) return given;
  if (platform === 'win32') return join(env['LOCALAPPDATA'] ?? join(homedir(), 'AppData', 'Local'), 'fabric-emu', 'tls');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'fabric-emu', 'tls');
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'fabric-emu', 'tls');
}

function pemBlocks(text: string): { type: string; pem: string }[] {
  return [...text.matchAll(/-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----\n?/g)].map((m) => ({ type: m[1]!, pem: m[0].endsWith('\n') ? m[0] : `${m[0]}\n` }));
}

function bundle(i: Issued): string {
  return `${i.key}${i.cert}`;
}

function unbundle(text: string): Issued | undefined {
  const blocks = pemBlocks(text);
  const key = blocks.find((b) => b.type === 'PRIVATE KEY')?.pem;
  const cert = blocks.find((b) => b.type === 'CERTIFICATE')?.pem;
  return key && cert ? { cert, key } : undefined;
}

function readIssued(file: string): Issued | undefined {
  try {
    return unbundle(readFileSync(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

const dateOf = (s: string) => new Date(s).getTime();

/** Why a certificate cannot serve until the next start is over, or undefined when it can. */
function lifetimeProblem(x: X509Certificate, now: number): string | undefined {
  if (dateOf(x.validFrom) > now) return `not valid before ${x.validFrom}`;
  const end = dateOf(x.validTo);
  if (end <= now) return `expired on ${x.validTo}`;
  if (end - now < RENEW_BEFORE_MS) return `expires on ${x.validTo}`;
  return undefined;
}

function keyMatches(x: X509Certificate, keyPem: string): boolean {
  try {
    return x.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

function caProblem(ca: Issued, now: number): string | undefined {
  let x: X509Certificate;
  try {
    x = new X509Certificate(ca.cert);
  } catch (e) {
    return `unreadable (${(e as Error).message})`;
  }
  if (!x.ca || !x.verify(x.publicKey)) return 'not a self-signed CA certificate';
  if (!keyMatches(x, ca.key)) return 'its key does not match';
  return lifetimeProblem(x, now);
}

function serverProblem(server: Issued, ca: Issued, names: readonly string[], now: number): string | undefined {
  let x: X509Certificate;
  try {
    x = new X509Certificate(server.cert);
  } catch (e) {
    return `unreadable (${(e as Error).message})`;
  }
  const caX = new X509Certificate(ca.cert);
  if (!x.checkIssued(caX) || !x.verify(caX.publicKey)) return 'not issued by the current CA';
  if (!keyMatches(x, server.key)) return 'its key does not match';
  const uncovered = [
    ...names.filter((n) => !n.includes('*') && x.checkHost(n, { wildcards: false }) !== n),
    ...LOOPBACK_IPS.filter((ip) => x.checkIP(ip) === undefined),
  ];
  if (uncovered.length > 0) return `does not cover ${uncovered.join(', ')}`;
  return lifetimeProblem(x, now);
}

/** Writes `text` to `file` whole: a temporary file renamed (replace) or linked (only if absent) into place. */
function writeWhole(file: string, text: string, mode: number, onlyIfAbsent: boolean): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  chmodSync(tmp, mode);
  try {
    if (!onlyIfAbsent) {
      renameSync(tmp, file);
      return true;
    }
    linkSync(tmp, file);
    return true;
  } catch (e) {
    if (onlyIfAbsent && (e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** In-memory material per set of names, so the fabrics of one process (a test run) share one CA. */
const inMemory = new Map<string, { ca: Issued; server: Issued }>();

/**
 * The CA and server certificate for `names`, kept in `dir` (made on first use, private keys 0600) or,
 * without a dir, in this process's memory. What is missing, unreadable, expired (or about to),
 * mismatched or does not cover every name is made afresh: a bad server certificate alone is
 * reissued by the same CA, so clients that trust the CA go on trusting the fabric. What is kept is
 * kept whatever its key type: an RSA CA or server certificate from before the switch to EC serves
 * on until one of those rules renews it, and new certificates are EC. Two first starts racing on
 * one dir agree on one CA: the first to link its file wins, the other reads it.
 */
export function loadTls(opts: { dir: string | undefined; names: readonly string[]; now: number }): TlsMaterial {
  const { dir, names, now } = opts;
  const made: string[] = [];
  if (dir === undefined) {
    const memoKey = names.join(',');
    let kept = inMemory.get(memoKey);
    if (!kept || caProblem(kept.ca, now) || serverProblem(kept.server, kept.ca, names, now)) {
      const ca = issueCa(now);
      kept = { ca, server: issueServer(ca, names, now) };
      inMemory.set(memoKey, kept);
      made.push('CA and server certificate (in memory)');
    }
    return { ca: kept.ca.cert, caFile: undefined, cert: kept.server.cert, key: kept.server.key, made };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = keptCa(dir, now, made);
  publish(join(dir, CA_FILE), ca.cert);
  const serverPath = join(dir, SERVER_PRIVATE);
  const kept = readIssued(serverPath);
  const why = kept === undefined ? 'none yet' : serverProblem(kept, ca, names, now);
  let server = kept!;
  if (why !== undefined) {
    server = issueServer(ca, names, now);
    writeWhole(serverPath, bundle(server), 0o600, false);
    made.push(`server certificate (${why})`);
  }
  return { ca: ca.cert, caFile: join(dir, CA_FILE), cert: server.cert, key: server.key, made };
}

function keptCa(dir: string, now: number, made: string[]): Issued {
  const file = join(dir, CA_PRIVATE);
  const kept = readIssued(file);
  const why = kept === undefined ? 'none yet' : caProblem(kept, now);
  if (why === undefined) return kept!;
  const fresh = issueCa(now);
  if (writeWhole(file, bundle(fresh), 0o600, kept === undefined)) {
    made.push(`CA (${why})`);
    return fresh;
  }
  // Another first start linked its CA between our read and our write: both use that one.
  const theirs = readIssued(file);
  const problem = theirs === undefined ? 'unreadable' : caProblem(theirs, now);
  if (problem !== undefined) throw new Error(`${file}: the CA another start just made is ${problem}; delete ${dir} and start again`);
  return theirs!;
}

/** The CA certificate users point NODE_EXTRA_CA_CERTS and curl --cacert at, rewritten only when it changed. */
function publish(file: string, cert: string): void {
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== cert) writeWhole(file, cert, 0o644, false);
}
