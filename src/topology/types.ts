/** One PoP. Mirrors the GDN datacenter object's locationInfo (spec/gdn-api.md §3.1). */
export interface RegionSpec {
  name: string;
  city: string;
  /** ISO 3166-1 alpha-2 code, GDN's `countrycode`. */
  country: string;
  countryName: string;
  lat: number;
  lon: number;
  /** 0 = any free port. */
  port: number;
  /**
   * Where peers reach this PoP when it runs on another machine or container (`fabric-emu region`);
   * absent: on this machine. `up` runs every PoP here and ignores it.
   */
  host?: string | undefined;
}

/** A region of a running fabric: its spec with the host and port it is bound to now. */
export interface DatacenterInfo extends RegionSpec {
  host: string;
}

export type Distribution = 'normal' | 'uniform' | 'constant';

export interface LinkProfile {
  /** Median round trip. One-way delay is centred on rttMs / 2. */
  rttMs: number;
  /** Spread of each one-way delay: sd for 'normal', half-width for 'uniform', unused for 'constant'. */
  jitterMs: number;
  distribution: Distribution;
  /** Probability in [0, 1) that one message on the link is lost. */
  lossRate: number;
  /** Where the figure comes from; estimates start with "estimate:", derived ones with "derived:". */
  source: string;
  /** True when the loader computed the figure from geography rather than reading it from the file. */
  derived: boolean;
}

/** A user declared in regions.yaml: it exists at every PoP from the start, without being written anywhere. */
export interface UserSpec {
  username: string;
  email?: string | undefined;
  password: string;
  /** `<tenant>.<keyid>.<secret>`, a key of this user. */
  apiKey?: string | undefined;
}

export interface TenantSpec {
  name: string;
  users: UserSpec[];
}

/** The dev credentials as regions.yaml gives them; what is missing comes from the environment or defaults. */
export interface DevSpec {
  tenant?: string | undefined;
  username?: string | undefined;
  email?: string | undefined;
  password?: string | undefined;
  apiKey?: string | undefined;
}

export interface Topology {
  name: string;
  /** File path, 'embedded default' or 'preset:<name>'. */
  source: string;
  /** Seed of the jitter RNG: the same seed replays the same delays. */
  seed: number;
  regions: RegionSpec[];
  /** Port of the geo-routed global URL (0 = any free port). */
  global: { port: number };
  /**
   * Port of the HTTPS front door (0 = any free port), which routes api-<region>.localhost and
   * api-gdn.localhost; absent when the topology asks for none (the fabric then runs without one
   * unless told otherwise).
   */
  https?: { port: number };
  /** Client -> its own nearest PoP. */
  access: LinkProfile;
  /** Key `${a}|${b}` with a < b; every pair of regions is present after load. */
  links: Record<string, LinkProfile>;
  /** regions.yaml `dev`: the dev credentials it fixes (optional). */
  dev?: DevSpec | undefined;
  /** regions.yaml `tenants`: tenants besides the dev tenant and `_mm`, each with its users. */
  tenants?: TenantSpec[] | undefined;
}
