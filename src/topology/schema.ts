import { z } from 'zod';

/**
 * The regions.yaml file format (documented at the top of regions.yaml). Strict objects everywhere:
 * a misspelt key is an error, never silently ignored. Cross-entry rules (unique names and ports,
 * known regions in `latency`) live in parse.ts, where they can name the offending entry.
 */
const REGION_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

const regionName = z
  .string()
  .max(63)
  .regex(REGION_NAME, 'region names use lowercase letters, digits and inner hyphens (e.g. gdn-us-west)')
  // The HTTPS front door routes api-<region>.localhost and <region>.localhost; gdn is the global name.
  .refine((n) => n !== 'gdn' && !n.startsWith('api-'), "'gdn' and names starting with 'api-' are the front door's host names (api-gdn.localhost, api-<region>.localhost)");

const port = z.int().min(0).max(65535);

/** Where peers reach a PoP that runs elsewhere (`fabric-emu region`): a DNS name, IPv4 or IPv6 address. */
export const peerHost = z
  .string()
  .max(253)
  .regex(/^([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$|^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*$/, 'expected a host name or an IP address (no scheme, no port)');

/** The fields of a latency profile, shared by `access`, `latency[]` and a built topology's links. */
export const ProfileFields = {
  rttMs: z.number().min(0),
  jitterMs: z.number().min(0),
  distribution: z.enum(['normal', 'uniform', 'constant']).default('normal'),
  lossRate: z.number().min(0).lt(1).default(0),
  source: z.string().min(1, 'every figure needs a source ("estimate: ..." when it is one)'),
};

export const RegionSchema = z.strictObject({
  name: regionName,
  city: z.string().min(1),
  country: z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 code such as US'),
  countryName: z.string().min(1),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  port,
  host: peerHost.optional(),
});

export const AccessSchema = z.strictObject(ProfileFields);

export const LatencyEntrySchema = z.strictObject({
  between: z.tuple([regionName, regionName]),
  ...ProfileFields,
});

export const GlobalSchema = z.strictObject({ port });

const TENANT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@+-]{0,127}$/;
const USER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@+-]{0,63}$/;
const tenantName = z.string().regex(TENANT_NAME, 'tenant names use letters, digits and _ . @ + - (GDN: the email with @ as _, e.g. demo_example.com)');
const userName = z.string().regex(USER_NAME, 'user names use letters, digits and _ . @ + -, at most 64');
const email = z.string().regex(/^[^@\s]+@[^@\s]+$/, 'expected an email address');
const password = z.string().min(1, 'an empty password would let anyone log in');
/** `<tenant>.<keyid>.<secret>`: the tenant is everything before the last two parts, as jsC8 reads it. */
const apiKey = z.string().regex(/^.+\.[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{16,}$/, 'expected <tenant>.<keyid>.<secret> (keyid: letters, digits, _ and -; secret: at least 16 of them)');

/** The dev credentials `fabric-emu up` prints: every field may also come from the environment. */
export const DevSchema = z.strictObject({
  tenant: tenantName.optional(),
  username: userName.optional(),
  email: email.optional(),
  password: password.optional(),
  apiKey: apiKey.optional(),
});

export const UserSchema = z.strictObject({
  username: userName,
  email: email.optional(),
  password,
  apiKey: apiKey.optional(),
});

export const TenantSchema = z.strictObject({
  name: tenantName,
  users: z.array(UserSchema).default([]),
});
export const HttpsSchema = z.strictObject({ port });

export const TopologyFileSchema = z.strictObject({
  name: z.string().min(1).optional(),
  seed: z.int().default(1),
  global: GlobalSchema.default({ port: 0 }),
  https: HttpsSchema.optional(),
  access: AccessSchema.optional(),
  regions: z.array(RegionSchema).min(1, 'a topology needs at least one region'),
  latency: z.array(LatencyEntrySchema).default([]),
  dev: DevSchema.optional(),
  tenants: z.array(TenantSchema).default([]),
});

export type TopologyFile = z.output<typeof TopologyFileSchema>;
