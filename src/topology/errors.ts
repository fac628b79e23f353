/**
 * A bad topology names the file, the 1-based line and column, and the key path, so the user can jump
 * straight to the mistake (DESIGN.md, Quality bar). line/column are 0 when no position applies
 * (unreadable file, unknown preset); the message then leaves them out.
 */
export class TopologyError extends Error {
  override readonly name = 'TopologyError';

  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    /** Key path such as `regions[1].port`; '' when the error is not about one key (YAML syntax). */
    readonly key: string,
    /** The reason alone, without the position prefix. */
    readonly reason: string,
  ) {
    const where = line > 0 ? `${file}:${line}:${column}` : file;
    super(key ? `${where}: ${key}: ${reason}` : `${where}: ${reason}`);
  }
}
