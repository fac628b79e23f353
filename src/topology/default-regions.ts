/**
 * The embedded default topology, byte for byte the repo's regions.yaml (a test keeps them equal).
 * Embedded so fabric-emu works from any directory, with or without a regions.yaml.
 */
export const DEFAULT_REGIONS_YAML = `# fabric-emu topology: the regions (PoPs) to start and the latency between them.
# This file is the embedded default (preset "seed-4"): the four PoPs of Macrometa's 2019-2020
# tutorials. "fabric-emu up" reads ./regions.yaml when there is one, this topology otherwise.
#
# Format (strict: an unknown key is an error that names the file, line and key):
#   name: string             shown in status output (default: the file name)
#   seed: integer            seed of the jitter RNG; the same seed replays the same delays (default 1)
#   global: {port}           port of the geo-routed global URL; 0 = any free port (default 0)
#   https: {port}            port of the HTTPS front door: api-<region>.localhost and
#                            api-gdn.localhost (the global URL) over TLS, as jsC8 needs; 0 = any
#                            free port (optional: without it 'up' picks a free port, startFabric
#                            runs no front door)
#   access: {rttMs, jitterMs, source, distribution?, lossRate?}
#                            client -> its nearest PoP (default: 20 ms, jitter 5 ms)
#   regions:                 one entry per PoP, at least one
#     - {name, city, country, countryName, lat, lon, port, host?}
#                            name: lowercase letters, digits, inner hyphens (as in gdn-us-west);
#                            country: ISO 3166-1 alpha-2; lat/lon: decimal degrees;
#                            port: 0 = any free port, otherwise unique across regions and global
#                            host: where peers reach the PoP when it runs on another machine
#                            ('fabric-emu region NAME'); 'up' runs every PoP here and ignores it
#   latency:                 round trips between two regions, at most one entry per pair (optional)
#     - {between: [a, b], rttMs, jitterMs, source, distribution?, lossRate?}
#                            rttMs: median round trip; one-way delay = rttMs / 2 + jitter
#                            jitterMs: spread of each one-way delay (normal: sd, uniform: half-width)
#                            distribution: normal (default) | uniform | constant
#                            lossRate: probability in [0, 1) that a message is lost (default 0)
#                            source: where the figure comes from; "estimate: ..." when it is one
#   dev:                     the dev credentials \`fabric-emu up\` prints (optional; each field also from
#                            FABRIC_EMU_TENANT, _USERNAME, _EMAIL, _PASSWORD, _API_KEY, which win)
#     {tenant?, username?, email?, password?, apiKey?}
#                            tenant: default _mm (GDN's system tenant); username: default root;
#                            password and apiKey: default derived from the data dir's fabric secret;
#                            apiKey reads <tenant>.<keyid>.<secret>
#   tenants:                 further tenants, each with its own _system fabric and data (optional)
#     - {name, users: [{username, password, email?, apiKey?}]}
#                            name: GDN's form, the account email with @ as _ (demo_example.com);
#                            emails are unique across tenants (login by email names one user)
#   Pairs missing from "latency" are derived from great-circle distance and marked derived.
#
# Figures: spec/latency.md, seed-era table (p50 round trips; estimates say so).
name: seed-4
seed: 1
global:
  port: 8530
https:
  port: 8443
access:
  rttMs: 20
  jitterMs: 5
  source: "estimate: middle of the 10-50 ms access range (Macrometa: global P90 of 50 ms to users)"
regions:
  - name: gdn-us-west
    city: The Dalles
    country: US
    countryName: United States
    lat: 45.5946
    lon: -121.1787
    port: 8531
  - name: gdn-us-east
    city: Ashburn
    country: US
    countryName: United States
    lat: 39.0438
    lon: -77.4874
    port: 8532
  - name: gdn-eu-central
    city: Frankfurt
    country: DE
    countryName: Germany
    lat: 50.1109
    lon: 8.6821
    port: 8533
  - name: gdn-ap-west
    city: Mumbai
    country: IN
    countryName: India
    lat: 19.0760
    lon: 72.8777
    port: 8534
latency:
  - between: [gdn-us-east, gdn-us-west]
    rttMs: 65
    jitterMs: 2
    source: "GCP us-east<->us-west 64 ms (console, 2025), cloudping us-east1<->us-west1 66 ms (2019-09-11)"
  - between: [gdn-us-east, gdn-eu-central]
    rttMs: 90
    jitterMs: 2
    source: "AWS us-east-1<->eu-central-1 88.7 ms (2017), IBM Washington DC<->Frankfurt 91 ms (2024-08), GCP 86 ms (2025)"
  - between: [gdn-us-west, gdn-eu-central]
    rttMs: 145
    jitterMs: 3
    source: "GCP us-west<->europe-west 132 ms (2025), cloudping 146 ms (2019-09-11), AWS us-west-2<->eu-central-1 159.5 ms (2017)"
  - between: [gdn-eu-central, gdn-ap-west]
    rttMs: 115
    jitterMs: 4
    source: "estimate: Azure West Europe<->Central India ~110 ms (Microsoft latency page, approx.)"
  - between: [gdn-us-east, gdn-ap-west]
    rttMs: 190
    jitterMs: 5
    source: "estimate: no primary source (spec/latency.md seed-era table)"
  - between: [gdn-us-west, gdn-ap-west]
    rttMs: 220
    jitterMs: 5
    source: "estimate: no primary source (spec/latency.md seed-era table)"
`;
