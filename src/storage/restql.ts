import { gdnError } from '../core/errors.js';
import { formatHlc, type HlcClock } from '../core/hlc.js';
import type { Db } from './database.js';
import type { ChangeLog } from './changelog.js';
import { clockOf, newer } from './clocks.js';
import type { WritePath } from './write-path.js';

export interface SavedQuery {
  fabric: string;
  name: string;
  value: string;
  parameter: Record<string, unknown>;
  type: 'c8ql';
}

export interface SavedQueryInput {
  value: string;
  parameter: Record<string, unknown>;
}

interface Row {
  fabric: string;
  name: string;
  live: number;
  value: string;
  parameter: string;
  clock: string;
}

const NAME = /^[A-Za-z0-9_\-.]{1,128}$/;

function toQuery(r: Row): SavedQuery {
  return { fabric: r.fabric, name: r.name, value: r.value, parameter: JSON.parse(r.parameter) as Record<string, unknown>, type: 'c8ql' };
}

/**
 * RESTQL saved queries of every fabric. A definition is one last-writer-wins register per name
 * (saved, updated or deleted at a clock), so definitions replicate to every PoP and concurrent
 * edits converge like documents do. A deleted definition stays as a tombstone row.
 */
export class RestqlStore {
  private readonly s;

  constructor(
    db: Db,
    private readonly w: WritePath,
    private readonly log: ChangeLog,
    private readonly clock: HlcClock,
    private readonly origin: string,
  ) {
    this.s = {
      get: db.prepare('SELECT * FROM restql WHERE fabric = ? AND name = ?'),
      list: db.prepare('SELECT * FROM restql WHERE fabric = ? AND live = 1 ORDER BY name'),
      dropOlder: db.prepare("UPDATE restql SET live = 0, value = '', parameter = '{}', clock = ? WHERE fabric = ? AND clock < ?"),
      put: db.prepare(
        'INSERT INTO restql (fabric, name, live, value, parameter, clock) VALUES (?, ?, ?, ?, ?, ?) ' +
          'ON CONFLICT (fabric, name) DO UPDATE SET live = excluded.live, value = excluded.value, parameter = excluded.parameter, clock = excluded.clock',
      ),
    };
  }

  list(fabric: string): SavedQuery[] {
    return (this.s.list.all(fabric) as Row[]).map(toQuery);
  }

  get(fabric: string, name: string): SavedQuery | undefined {
    const row = this.s.get.get(fabric, name) as Row | undefined;
    return row && row.live === 1 ? toQuery(row) : undefined;
  }

  require(fabric: string, name: string): SavedQuery {
    const q = this.get(fabric, name);
    if (!q) throw gdnError('RESTQL_NOT_FOUND', `saved query '${name}' not found`);
    return q;
  }

  create(fabric: string, name: string, input: SavedQueryInput): SavedQuery {
    if (!NAME.test(name)) throw gdnError('ILLEGAL_NAME', `illegal saved query name '${name}': 1-128 letters, digits, '_', '-' or '.'`);
    if (this.get(fabric, name)) throw gdnError('DUPLICATE_NAME', `saved query '${name}' already exists`);
    return this.save(fabric, name, input);
  }

  update(fabric: string, name: string, input: SavedQueryInput): SavedQuery {
    this.require(fabric, name);
    return this.save(fabric, name, input);
  }

  remove(fabric: string, name: string): void {
    this.require(fabric, name);
    const hlc = formatHlc(this.clock.now());
    this.w.atomic(() => {
      this.s.put.run(fabric, name, 0, '', '{}', clockOf(hlc, this.origin));
      this.log.append({ origin: this.origin, hlc, op: 'restql.delete', fabric, collection: '', key: name, payload: null });
    });
  }

  /** A geo-fabric dropped at `clock`: every definition older than the drop is deleted at its clock. */
  dropFabric(fabric: string, clock: string): void {
    this.w.assertWriting();
    this.s.dropOlder.run(clock, fabric, clock);
  }

  /** A replicated save or delete; returns false when a newer definition is already here. */
  applyRemote(fabric: string, name: string, clock: string, input: SavedQueryInput | null): boolean {
    this.w.assertWriting();
    const row = this.s.get.get(fabric, name) as Row | undefined;
    if (row && !newer(clock, row.clock)) return false;
    this.s.put.run(fabric, name, input ? 1 : 0, input?.value ?? '', JSON.stringify(input?.parameter ?? {}), clock);
    return true;
  }

  private save(fabric: string, name: string, input: SavedQueryInput): SavedQuery {
    const hlc = formatHlc(this.clock.now());
    this.w.atomic(() => {
      this.s.put.run(fabric, name, 1, input.value, JSON.stringify(input.parameter), clockOf(hlc, this.origin));
      this.log.append({ origin: this.origin, hlc, op: 'restql.save', fabric, collection: '', key: name, payload: JSON.stringify(input) });
    });
    return { fabric, name, value: input.value, parameter: input.parameter, type: 'c8ql' };
  }
}
