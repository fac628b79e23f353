/**
 * An error in a file the user wrote (regions.yaml, a fixture manifest) that names the file, the
 * 1-based line and column and the key path, so the user can jump straight to the mistake. line and
 * column are 0 when no position applies (an unreadable file); the message then leaves them out.
 */
export class PositionedError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    /** Key path such as `regions[1].port`; '' when the error is not about one key. */
    readonly key: string,
    /** The reason alone, without the position prefix. */
    readonly reason: string,
  ) {
    const where = line > 0 ? `${file}:${line}:${column}` : file;
    super(key ? `${where}: ${key}: ${reason}` : `${where}: ${reason}`);
  }
}
