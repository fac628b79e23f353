import { parseGrantId, type AccessLevel, type GrantWho, type StreamLevel } from '../storage/index.js';
import type { Directory } from './directory.js';

/** Who a request acts as: a user (logged in with a JWT) or an API key of one. */
export interface Principal {
  tenant: string;
  /** The user, or the owner of the key. */
  user: string;
  keyid?: string;
}

/**
 * A principal's level for every collection of one fabric, as plain data (a query carries it to the
 * PoP's query executor, another thread, where no Access can be asked): the collections with a grant
 * of their own, for the user or the key, and the level of every other one.
 */
export interface CollectionLevels {
  /** A Map, which a worker message carries as it is, and where a collection called `__proto__` is just a key. */
  named: ReadonlyMap<string, AccessLevel>;
  /** The level of a collection not in `named`: the `*` collection grant, else the fabric's level. */
  otherwise: AccessLevel;
}

export function levelIn(levels: CollectionLevels, collection: string): AccessLevel {
  return levels.named.get(collection) ?? levels.otherwise;
}

/** Whether a collection exists for the caller (no levels: full access). */
export function visible(levels: CollectionLevels | undefined, collection: string): boolean {
  return levels === undefined || levelIn(levels, collection) !== 'none';
}

/** A level as what it allows; combining two levels keeps what both allow. */
interface Caps {
  read: boolean;
  write: boolean;
}

const CAPS: Record<StreamLevel, Caps> = {
  rw: { read: true, write: true },
  ro: { read: true, write: false },
  wo: { read: false, write: true },
  none: { read: false, write: false },
};

function levelOf(c: Caps): StreamLevel {
  return c.read ? (c.write ? 'rw' : 'ro') : c.write ? 'wo' : 'none';
}

function both(a: StreamLevel, b: StreamLevel): StreamLevel {
  return levelOf({ read: CAPS[a].read && CAPS[b].read, write: CAPS[a].write && CAPS[b].write });
}

export function canRead(l: StreamLevel): boolean {
  return CAPS[l].read;
}

export function canWrite(l: StreamLevel): boolean {
  return CAPS[l].write;
}

/** The tenant's administrator: GDN's `root` user, whose access no grant narrows. */
export const ADMIN_USER = 'root';

/**
 * Effective access (docs/auth.md). For a user: `root` has rw everywhere; another user has what is
 * granted to them for the fabric (else for `*`), and a user declared in regions.yaml rw by default,
 * one created through the API none. A collection's level is its own grant (else the fabric's `*`
 * collection grant, else the fabric's level), never more than the fabric's level; a stream's
 * likewise, with `wo` besides. An API key has what is granted to the key, in the same way, falling
 * back to its owner's level, and never more than its owner has.
 */
export class Access {
  /** collectionLevels() by principal and fabric, as of the directory's `version`. */
  private levels = new Map<string, CollectionLevels>();
  private levelsVersion = -1;

  constructor(private readonly dir: Directory) {}

  private userFabric(tenant: string, user: string, fabric: string): AccessLevel {
    if (user === ADMIN_USER) return 'rw';
    const who: GrantWho = { kind: 'user', name: user };
    const g = this.dir.grant(tenant, who, { kind: 'db', fabric }) ?? this.dir.grant(tenant, who, { kind: 'db', fabric: '*' });
    if (g !== undefined) return g === 'wo' ? 'none' : g;
    return this.dir.user(tenant, user)?.declared ? 'rw' : 'none';
  }

  private explicitFabric(tenant: string, who: GrantWho, fabric: string): StreamLevel | undefined {
    return this.dir.grant(tenant, who, { kind: 'db', fabric }) ?? this.dir.grant(tenant, who, { kind: 'db', fabric: '*' });
  }

  fabric(p: Principal, fabric: string): AccessLevel {
    const owner = this.userFabric(p.tenant, p.user, fabric);
    if (p.keyid === undefined) return owner;
    const own = this.explicitFabric(p.tenant, { kind: 'key', name: p.keyid }, fabric) ?? owner;
    return both(own, owner) as AccessLevel;
  }

  private scoped(p: Principal, fabric: string, kind: 'coll' | 'stream', name: string, base: (w: GrantWho) => StreamLevel): StreamLevel {
    const one = (who: GrantWho): StreamLevel => {
      const scope = (n: string) => (kind === 'coll' ? { kind, fabric, collection: n } : { kind, fabric, stream: n });
      const explicit = this.dir.grant(p.tenant, who, scope(name)) ?? this.dir.grant(p.tenant, who, scope('*'));
      const b = base(who);
      return explicit === undefined ? b : both(explicit, b);
    };
    const userWho: GrantWho = { kind: 'user', name: p.user };
    const owner = p.user === ADMIN_USER ? 'rw' : one(userWho);
    if (p.keyid === undefined) return owner;
    return both(one({ kind: 'key', name: p.keyid }), owner);
  }

  collection(p: Principal, fabric: string, collection: string): AccessLevel {
    const level = this.scoped(p, fabric, 'coll', collection, (who) => (who.kind === 'user' ? this.userFabric(p.tenant, who.name, fabric) : this.fabric(p, fabric)));
    return level === 'wo' ? 'none' : (level as AccessLevel);
  }

  /**
   * collection() for every collection of the fabric at once. Only a collection some grant of the
   * user or the key names can differ from `*` (no collection is called `*`, so collection(p, f, '*')
   * is what an ungranted one gets). Cached until the directory changes: queries ask on every run.
   */
  collectionLevels(p: Principal, fabric: string): CollectionLevels {
    if (this.levelsVersion !== this.dir.version) {
      this.levels.clear();
      this.levelsVersion = this.dir.version;
    }
    const id = `${p.tenant}\u0000${p.user}\u0000${p.keyid ?? ''}\u0000${fabric}`;
    let out = this.levels.get(id);
    if (out) return out;
    const named = new Map<string, AccessLevel>();
    const whos: GrantWho[] = [{ kind: 'user', name: p.user }, ...(p.keyid === undefined ? [] : [{ kind: 'key' as const, name: p.keyid }])];
    for (const who of whos) {
      for (const g of this.dir.grantsOf(p.tenant, who)) {
        const scope = parseGrantId(g.id)?.scope;
        if (scope?.kind === 'coll' && scope.fabric === fabric && scope.collection !== '*') named.set(scope.collection, this.collection(p, fabric, scope.collection));
      }
    }
    out = { named, otherwise: this.collection(p, fabric, '*') };
    this.levels.set(id, out);
    return out;
  }

  stream(p: Principal, fabric: string, stream: string): StreamLevel {
    return this.scoped(p, fabric, 'stream', stream, (who) => (who.kind === 'user' ? this.userFabric(p.tenant, who.name, fabric) : this.fabric(p, fabric)));
  }

  /** Managing users, keys, grants and fabrics needs rw on the tenant's `_system`, as ArangoDB asks. */
  isAdmin(p: Principal): boolean {
    return this.fabric(p, '_system') === 'rw';
  }
}
