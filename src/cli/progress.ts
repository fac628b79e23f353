import type { LoadProgress } from '../index.js';

const WIDTH = 24;

/**
 * One self-rewriting line on stderr while documents load, only when stderr is a terminal: in CI
 * logs and pipes a bar is noise, and the final summary line says it all.
 */
export function progressLine(stream: NodeJS.WriteStream = process.stderr): { update(p: LoadProgress): void; end(): void } {
  const tty = stream.isTTY === true;
  let drawn = false;
  return {
    update(p) {
      if (!tty) return;
      const filled = p.total === 0 ? WIDTH : Math.round((p.done / p.total) * WIDTH);
      const bar = '#'.repeat(filled) + '-'.repeat(WIDTH - filled);
      stream.write(`\r\x1b[2K${p.collection} [${bar}] ${p.done}/${p.total} documents`);
      drawn = true;
    },
    end() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
