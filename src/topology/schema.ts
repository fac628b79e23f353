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
});

export const AccessSchema = z.strictObject(ProfileFields);

export const LatencyEntrySchema = z.strictObject({
  between: z.tuple([regionName, regionName]),
  ...ProfileFields,
});

export const GlobalSchema = z.strictObject({ port });

export const HttpsSchema = z.strictObject({ port });

export const TopologyFileSchema = z.strictObject({
  name: z.string().min(1).optional(),
  seed: z.int().default(1),
  global: GlobalSchema.default({ port: 0 }),
  https: HttpsSchema.optional(),
  access: AccessSchema.optional(),
  regions: z.array(RegionSchema).min(1, 'a topology needs at least one region'),
  latency: z.array(LatencyEntrySchema).default([]),
});

export type TopologyFile = z.output<typeof TopologyFileSchema>;
