import type { AccessLevel, GrantWho, StreamLevel } from '../storage/index.js';
import type { Directory } from './directory.js';

/** Who a request acts as: a user (logged in with a JWT) or an API key of one. */
export interface Principal {
  tenant: string;
  /** The user, or the owner of the key. */
  user: string;
  keyid?: string;
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

  stream(p: Principal, fabric: string, stream: string): StreamLevel {
    return this.scoped(p, fabric, 'stream', stream, (who) => (who.kind === 'user' ? this.userFabric(p.tenant, who.name, fabric) : this.fabric(p, fabric)));
  }

  /** Managing users, keys, grants and fabrics needs rw on the tenant's `_system`, as ArangoDB asks. */
  isAdmin(p: Principal): boolean {
    return this.fabric(p, '_system') === 'rw';
  }
}
