/**
 * Every command's exit codes (README "Exit codes" lists them): a script or an orchestrator can tell
 * a port in use from a locked data dir from a bad regions.yaml without reading the log line.
 */
export const EXIT = {
  ok: 0,
  /** A command failed at run time, or a start failed for a reason none of the codes below names. */
  failure: 1,
  /** Bad flags or arguments, an invalid fixture manifest. */
  usage: 2,
  /** An invalid topology (regions.yaml, --config, a preset) or invalid dev credentials. */
  config: 3,
  /** A port the fabric needs is taken. */
  portInUse: 4,
  /** The data dir is in use by a running fabric (its run file is the lock). */
  dataDirInUse: 5,
  /** The data dir cannot be used: not creatable or writable, a damaged replica, or one from a newer fabric-emu. */
  dataDirUnusable: 6,
} as const;

export type StartFailure = 'failure' | 'portInUse' | 'dataDirInUse' | 'dataDirUnusable';

/** Bad usage found by a command itself (not by commander's parser): printed, exit code 2. */
export class UsageError extends Error {}

/** A start that failed for a reason outside the command line: printed, exit code EXIT[kind]. */
export class StartError extends Error {
  constructor(
    message: string,
    readonly kind: StartFailure = 'failure',
  ) {
    super(message);
  }
}

const UNUSABLE_FILE = /file is not a database|database disk image is malformed|schema version \d+ is newer|SQLITE_(CORRUPT|NOTADB|CANTOPEN|READONLY|IOERR)|attempt to write a readonly database|unable to open database file/;
const UNUSABLE_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'ENOSPC', 'EEXIST']);

/** A failure opening the data dir or a replica in it, as a StartError saying so; undefined for other errors. */
export function dataDirProblem(e: unknown, dir: string): StartError | undefined {
  const err = e as NodeJS.ErrnoException;
  const message = err instanceof Error ? err.message : String(e);
  if (UNUSABLE_CODES.has(err?.code ?? '') || UNUSABLE_FILE.test(message)) {
    return new StartError(`cannot start: data dir ${dir} cannot be used: ${message}. Fix or remove it, or use another --data-dir (--ephemeral keeps nothing on disk)`, 'dataDirUnusable');
  }
  return undefined;
}
