import type { Db } from './database.js';
import { newer } from './clocks.js';
import type { WritePath } from './write-path.js';

/**
 * The newest drop of every geo-fabric (by its `<tenant>/<fabric>` key). A replicated change of a
 * fabric's data older than its floor is void, even for a collection this PoP never heard of: the
 * drop removed it everywhere, and a late-arriving create must not bring it back.
 */
export class FabricFloors {
  private readonly floors = new Map<string, string>();
  private readonly s;

  constructor(
    db: Db,
    private readonly w: WritePath,
  ) {
    this.s = {
      all: db.prepare('SELECT fabric, clock FROM fabric_floors'),
      set: db.prepare('INSERT INTO fabric_floors (fabric, clock) VALUES (?, ?) ON CONFLICT (fabric) DO UPDATE SET clock = excluded.clock'),
    };
    this.reload();
  }

  reload(): void {
    this.floors.clear();
    for (const r of this.s.all.all() as { fabric: string; clock: string }[]) this.floors.set(r.fabric, r.clock);
  }

  get(fabric: string): string {
    return this.floors.get(fabric) ?? '';
  }

  raise(fabric: string, clock: string): void {
    if (!newer(clock, this.get(fabric))) return;
    this.w.touchCaches();
    this.s.set.run(fabric, clock);
    this.floors.set(fabric, clock);
  }
}
