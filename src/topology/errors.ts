import { PositionedError } from '../core/positioned-error.js';

/**
 * A bad topology names the file, the 1-based line and column, and the key path, so the user can jump
 * straight to the mistake (DESIGN.md, Quality bar). line/column are 0 when no position applies
 * (unreadable file, unknown preset); the message then leaves them out.
 */
export class TopologyError extends PositionedError {
  override readonly name = 'TopologyError';
}
