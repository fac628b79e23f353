import { SYSTEM_FABRIC, SYSTEM_TENANT } from '../core/names.js';
import type { RegistryStore } from '../storage/index.js';
import { grantId, type AccessLevel, type GrantScope, type GrantWho, type StreamLevel } from '../storage/index.js';
import type { TenantSpec } from '../topology/index.js';
import { keyParts, type DevCredentials } from './credentials.js';
import { sha256 } from './passwords.js';

/** What authentication needs to know about the tenants; the same at every PoP (regions.yaml and the dev credentials). */
export interface AuthConfig {
  dev: DevCredentials;
  /** Tenants declared in regions.yaml, with their users. */
  tenants: readonly TenantSpec[];
  /** Every region of the fabric: `_system`'s dcList and a new geo-fabric's default. */
  regions: readonly string[];
}

export interface UserView {
  tenant: string;
  username: string;
  email: string;
  displayName: string;
  active: boolean;
  extra: Record<string, unknown>;
  /** Declared in regions.yaml (or the dev user) and never changed through the API. */
  declared: boolean;
  /** scrypt hash of a stored user; a declared one keeps its clear password in memory instead. */
  passwordHash?: string;
  password?: string;
}

export interface KeyView {
  tenant: string;
  keyid: string;
  /** The user the key belongs to: it never has more access than they do. */
  user: string;
  isSystem: boolean;
  secretHash: string;
  declared: boolean;
}

export interface FabricView {
  tenant: string;
  name: string;
  dcList: string[];
  spotDc: string;
  metadata: Record<string, unknown>;
  isSystem: boolean;
}

const at = (tenant: string, id: string) => `${tenant}\u0000${id}`;

/**
 * Users, keys, grants and fabrics as a PoP sees them: what the registry stores (replicated, LWW)
 * over what regions.yaml and the dev credentials declare. A stored record, even a deletion, wins
 * over a declared one, so a declared user can be changed or deleted through the API like any
 * other. The first change of a declared user or key stores it whole (materialise).
 */
export class Directory {
  private readonly declaredUsers = new Map<string, UserView>();
  private readonly declaredKeys = new Map<string, KeyView>();
  private readonly tenantNames = new Set<string>([SYSTEM_TENANT]);

  constructor(
    private readonly registry: RegistryStore,
    readonly config: AuthConfig,
  ) {
    const declare = (tenant: string, username: string, email: string, password: string, apiKey: string | undefined) => {
      this.tenantNames.add(tenant);
      this.declaredUsers.set(at(tenant, username), { tenant, username, email, displayName: username, active: true, extra: {}, declared: true, password });
      const k = apiKey === undefined ? undefined : keyParts(apiKey);
      if (k) this.declaredKeys.set(at(tenant, k.keyid), { tenant, keyid: k.keyid, user: username, isSystem: false, secretHash: sha256(k.secret), declared: true });
    };
    const d = config.dev;
    declare(d.tenant, d.username, d.email, d.password, d.apiKey);
    for (const t of config.tenants) {
      this.tenantNames.add(t.name);
      for (const u of t.users) declare(t.name, u.username, u.email ?? `${u.username}@${t.name}`, u.password, u.apiKey);
    }
  }

  /** Bumped by every registry change: caches of what the directory answered compare it. */
  get version(): number {
    return this.registry.version;
  }

  hasTenant(tenant: string): boolean {
    return this.tenantNames.has(tenant);
  }

  tenants(): string[] {
    return [...this.tenantNames];
  }

  user(tenant: string, username: string): UserView | undefined {
    const e = this.registry.entry('user', tenant, username);
    if (!e) return this.declaredUsers.get(at(tenant, username));
    if (e.state.deleted) return undefined;
    const b = e.state.body;
    return {
      tenant,
      username,
      email: b['email'] as string,
      displayName: b['displayName'] as string,
      active: b['active'] as boolean,
      extra: b['extra'] as Record<string, unknown>,
      declared: false,
      passwordHash: b['passwordHash'] as string,
    };
  }

  users(tenant: string): UserView[] {
    const names = new Set<string>();
    for (const u of this.declaredUsers.values()) if (u.tenant === tenant) names.add(u.username);
    for (const e of this.registry.entries('user', tenant)) names.add(e.id);
    return [...names].sort().flatMap((n) => this.user(tenant, n) ?? []);
  }

  /** Login by email names one user of one tenant. */
  userByEmail(email: string): UserView | undefined {
    const wanted = email.toLowerCase();
    for (const t of this.tenantNames) for (const u of this.users(t)) if (u.email.toLowerCase() === wanted) return u;
    return undefined;
  }

  key(tenant: string, keyid: string): KeyView | undefined {
    const e = this.registry.entry('apikey', tenant, keyid);
    if (!e) return this.declaredKeys.get(at(tenant, keyid));
    if (e.state.deleted) return undefined;
    const b = e.state.body;
    return { tenant, keyid, user: b['user'] as string, isSystem: b['isSystem'] as boolean, secretHash: b['secretHash'] as string, declared: false };
  }

  keys(tenant: string): KeyView[] {
    const ids = new Set<string>();
    for (const k of this.declaredKeys.values()) if (k.tenant === tenant) ids.add(k.keyid);
    for (const e of this.registry.entries('apikey', tenant)) ids.add(e.id);
    return [...ids].sort().flatMap((id) => this.key(tenant, id) ?? []);
  }

  /** The level granted explicitly, or undefined when nothing is set for exactly this scope. */
  grant(tenant: string, who: GrantWho, scope: GrantScope): StreamLevel | undefined {
    return this.registry.get('grant', tenant, grantId(who, scope))?.['level'] as StreamLevel | undefined;
  }

  /** Every explicit grant of a principal in a tenant, by grant id. */
  grantsOf(tenant: string, who: GrantWho): { id: string; level: AccessLevel | StreamLevel }[] {
    const prefix = `${who.kind}:${who.name}|`;
    return this.registry
      .entries('grant', tenant)
      .filter((e) => !e.state.deleted && e.id.startsWith(prefix))
      .map((e) => ({ id: e.id, level: e.state.body['level'] as StreamLevel }));
  }

  /** A live fabric of the tenant; `_system` always exists, on every region. */
  fabric(tenant: string, name: string): FabricView | undefined {
    const e = this.registry.entry('fabric', tenant, name);
    if (name === SYSTEM_FABRIC) {
      const metadata = (e?.state.body['metadata'] as Record<string, unknown> | undefined) ?? {};
      return { tenant, name, dcList: [...this.config.regions], spotDc: '', metadata, isSystem: true };
    }
    if (!e || e.state.deleted) return undefined;
    const b = e.state.body;
    return { tenant, name, dcList: b['dcList'] as string[], spotDc: b['spotDc'] as string, metadata: b['metadata'] as Record<string, unknown>, isSystem: false };
  }

  fabrics(tenant: string): FabricView[] {
    const names = this.registry.entries('fabric', tenant).filter((e) => !e.state.deleted && e.id !== SYSTEM_FABRIC).map((e) => e.id);
    return [SYSTEM_FABRIC, ...names].flatMap((n) => this.fabric(tenant, n) ?? []);
  }
}
