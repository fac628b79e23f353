/**
 * Every endpoint of Macrometa GDN, so that fabric-emu can tell a GDN endpoint it does not serve
 * yet (501) from a typo (404) and a wrong method (405). The list is the OpenAPI file of GDN
 * (`Macrometacorp/docs` static/openapi/spec.json, v0.17.17, spec/gdn-api.md [OAS]) plus the calls
 * jsC8 1.1.0 makes that the file lacks (marked `jsC8`). Families follow the OpenAPI tags.
 * Paths are shown as GDN documents them, without the `/_fabric/{fabric}` prefix: every path form
 * a client sends is rewritten to one canonical path before routing (paths.ts).
 * docs/compatibility.md has one row per endpoint, and a test keeps the two in step.
 */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface GdnEndpoint {
  readonly method: HttpMethod;
  readonly path: string;
  readonly family: string;
  /** `OAS`: in GDN's OpenAPI file; `jsC8`: only called by jsC8 1.1.0. */
  readonly source: 'OAS' | 'jsC8';
}

const FAMILIES: readonly [family: string, endpoints: string][] = [
  ["Data Centers", `
    GET /datacenter/all
    GET /datacenter/local
    GET /datacenter/{dc-name}
    PUT /datacenter/{location}/{status}
    GET /datacenter/_tenant/{tenant-name}
    GET /_api/members
    POST /_api/members
    DELETE /_api/members/{member}
  `],
  ["GeoFabrics", `
    GET /_api/database
    POST /_api/database
    GET /_api/database/user
    DELETE /_api/database/{fabric}
    GET /_api/database/metadata
    PUT /_api/database/metadata
    PATCH /_api/database/metadata
    GET /_api/database/current jsC8
  `],
  ["Version", `
    GET /_api/version
  `],
  ["Collections", `
    GET /_api/collection
    POST /_api/collection
    DELETE /_api/collection/{collection-name}
    GET /_api/collection/{collection-name}
    GET /_api/collection/{collection-name}/workflows
    POST /_api/collection/{collection-name}/workflows
    DELETE /_api/collection/{collection-name}/workflows/{workflow-name}
    GET /_api/collection/{collection-name}/metadata
    PUT /_api/collection/{collection-name}/metadata
    PUT /_api/collection/{collection-name}/reload
    GET /_api/collection/{collection-name}/count
    GET /_api/collection/{collection-name}/figures
    PUT /_api/collection/{collection-name}/truncate
    PUT /_api/collection/{collection-name}/properties
    PUT /_api/collection/{collection-name}/compact
    GET /_api/collection/{collection-name}/properties jsC8
    PUT /_api/collection/{collection-name}/rename jsC8
  `],
  ["Documents", `
    DELETE /_api/document/{collection}
    PATCH /_api/document/{collection}
    POST /_api/document/{collection}
    PUT /_api/document/{collection}
    DELETE /_api/document/{collection}/{key}
    GET /_api/document/{collection}/{key}
    HEAD /_api/document/{collection}/{key}
    PATCH /_api/document/{collection}/{key}
    PUT /_api/document/{collection}/{key}
    POST /_api/document jsC8
  `],
  ["Indexes", `
    GET /_api/index
    POST /_api/index/fulltext
    POST /_api/index/general
    POST /_api/index/geo
    POST /_api/index/hash
    POST /_api/index/persistent
    POST /_api/index/skiplist
    POST /_api/index/ttl
    DELETE /_api/index/{collection}/{indexName}
    GET /_api/index/{collection}/{indexName}
    POST /_api/index jsC8
  `],
  ["Query", `
    POST /_api/cursor
    POST /_api/cursor/sql
    DELETE /_api/cursor/{cursor-identifier}
    PUT /_api/cursor/{cursor-identifier}
    POST /_api/query
    POST /_api/query/explain
    POST /_api/cursor/{cursor-identifier} jsC8
    POST /_api/explain jsC8
    GET /_api/query/current jsC8
    GET /_api/query/slow jsC8
    DELETE /_api/query/slow jsC8
    DELETE /_api/query/{query-id} jsC8
    GET /_api/c8qlfunction jsC8
    POST /_api/c8qlfunction jsC8
    DELETE /_api/c8qlfunction/{name} jsC8
  `],
  ["Query Workers", `
    POST /_api/restql
    POST /_api/restql/import
    POST /_api/restql/execute/{name}
    PUT /_api/restql/fetch/{id}
    GET /_api/restql/user
    DELETE /_api/restql/{name}
    PUT /_api/restql/{name}
  `],
  ["Key Value", `
    GET /_api/kv/{collection}/count
    GET /_api/kv/{collection}/keys
    GET /_api/kv
    POST /_api/kv/{collection}
    DELETE /_api/kv/{collection}
    GET /_api/kv/{collection}/value/{key}
    DELETE /_api/kv/{collection}/value/{key}
    POST /_api/kv/{collection}/values
    DELETE /_api/kv/{collection}/values
    PUT /_api/kv/{collection}/value
    PUT /_api/kv/{collection}/truncate
  `],
  ["Streams", `
    GET /_api/streams
    POST /_api/streams/{stream}
    DELETE /_api/streams/{stream}
    POST /_api/streams/{stream}/publish
    GET /_api/streams/{stream}/backlog
    GET /_api/streams/{stream}/stats
    GET /_api/streams/{stream}/subscriptions
    GET /_api/streams/ttl
    POST /_api/streams/ttl/{ttl}
    POST /_api/streams/clearbacklog
    POST /_api/streams/clearbacklog/{subscription}
    POST /_api/streams/{stream}/expiry/{seconds}
    DELETE /_api/streams/subscription/{subscription}
    DELETE /_api/streams/{stream}/subscriptions/{subscription}
    GET /_api/streams/persistent jsC8
    POST /_api/streams/unsubscribe/{subscription} jsC8
    POST /apid/otp jsC8
    GET /_ws/ws/v2/producer/persistent/{tenant}/{namespace}/{topic} jsC8
    GET /_ws/ws/v2/consumer/persistent/{tenant}/{namespace}/{topic}/{subscription} jsC8
    GET /_ws/ws/v2/reader/persistent/{tenant}/{namespace}/{topic} jsC8
  `],
  ["Graphs", `
    GET /_api/graph
    POST /_api/graph
    DELETE /_api/graph/{graph}
    GET /_api/graph/{graph}
    GET /_api/graph/{graph}/edge
    POST /_api/graph/{graph}/edge
    POST /_api/graph/{graph}/edge/{edgeCollection}
    PUT /_api/graph/{graph}/edge/{edgeCollection}
    DELETE /_api/graph/{graph}/edge/{edgeCollection}
    DELETE /_api/graph/{graph}/edge/{collection}/{edge}
    GET /_api/graph/{graph}/edge/{collection}/{edge}
    PATCH /_api/graph/{graph}/edge/{collection}/{edge}
    PUT /_api/graph/{graph}/edge/{collection}/{edge}
    GET /_api/graph/{graph}/vertex
    POST /_api/graph/{graph}/vertex
    DELETE /_api/graph/{graph}/vertex/{collection}
    POST /_api/graph/{graph}/vertex/{collection}
    DELETE /_api/graph/{graph}/vertex/{collection}/{vertex}
    GET /_api/graph/{graph}/vertex/{collection}/{vertex}
    PATCH /_api/graph/{graph}/vertex/{collection}/{vertex}
    PUT /_api/graph/{graph}/vertex/{collection}/{vertex}
    GET /_api/edges/{collection-id}
  `],
  ["Search", `
    POST /_api/search
    POST /_api/search/collection/{collection-name}
    DELETE /_api/search/view/{view-name}
    GET /_api/search/view/{view-name}
    GET /_api/search/view/{view-name}/properties
    PUT /_api/search/view/{view-name}/properties
    PUT /_api/search/view/{view-name}/rename
    GET /_api/search/view
    POST /_api/search/view
    GET /_api/search/analyzer
    GET /_api/search/analyzer/{analyzer-name}
  `],
  ["Authentication", `
    POST /_open/auth
  `],
  ["API Keys", `
    POST /_api/key/validate
    POST /_api/key
    GET /_api/key
    GET /_api/key/{keyid}
    DELETE /_api/key/{keyid}
    GET /_api/key/{keyid}/database
    GET /_api/key/{keyid}/database/{dbname}
    DELETE /_api/key/{keyid}/database/{dbname}
    PUT /_api/key/{keyid}/database/{dbname}
    GET /_api/key/{keyid}/database/{dbname}/collection
    GET /_api/key/{keyid}/database/{dbname}/collection/{collection}
    DELETE /_api/key/{keyid}/database/{dbname}/collection/{collection}
    PUT /_api/key/{keyid}/database/{dbname}/collection/{collection}
    GET /_api/key/{keyid}/database/{dbname}/stream
    GET /_api/key/{keyid}/database/{dbname}/stream/{stream}
    DELETE /_api/key/{keyid}/database/{dbname}/stream/{stream}
    PUT /_api/key/{keyid}/database/{dbname}/stream/{stream}
    GET /_api/key/{keyid}/database/{geofabric}/restql
    GET /_api/key/{keyid}/database/{geofabric}/restql/{query-worker}
    DELETE /_api/key/{keyid}/database/{geofabric}/restql/{query-worker}
    PUT /_api/key/{keyid}/database/{geofabric}/restql/{query-worker}
    GET /_api/key/{keyid}/database/{geofabric}/managedkey
    GET /_api/key/{keyid}/database/{geofabric}/managedkey/{managed-key-name}
    DELETE /_api/key/{keyid}/database/{geofabric}/managedkey/{managed-key-name}
    PUT /_api/key/{keyid}/database/{geofabric}/managedkey/{managed-key-name}
    GET /_api/key/{keyid}/billing
    DELETE /_api/key/{keyid}/billing
    PUT /_api/key/{keyid}/billing
    GET /_api/key/{keyid}/attributes
    PUT /_api/key/{keyid}/attributes
    DELETE /_api/key/{keyid}/attributes/truncate
    DELETE /_api/key/{keyid}/attributes/{attributeid}
  `],
  ["Users", `
    POST /_api/user
    GET /_api/user
    DELETE /_api/user/{user}
    GET /_api/user/{user}
    PATCH /_api/user/{user}
    GET /_api/user/{user}/database
    GET /_api/user/{user}/database/{geofabric}
    DELETE /_api/user/{user}/database/{geofabric}
    PUT /_api/user/{user}/database/{geofabric}
    GET /_api/user/{user}/database/{geofabric}/collection
    GET /_api/user/{user}/database/{geofabric}/collection/{collection}
    DELETE /_api/user/{user}/database/{geofabric}/collection/{collection}
    PUT /_api/user/{user}/database/{geofabric}/collection/{collection}
    GET /_api/user/{user}/database/{geofabric}/stream
    GET /_api/user/{user}/database/{geofabric}/stream/{stream}
    DELETE /_api/user/{user}/database/{geofabric}/stream/{stream}
    PUT /_api/user/{user}/database/{geofabric}/stream/{stream}
    GET /_api/user/{user}/database/{geofabric}/restql
    GET /_api/user/{user}/database/{geofabric}/restql/{query-worker}
    DELETE /_api/user/{user}/database/{geofabric}/restql/{query-worker}
    PUT /_api/user/{user}/database/{geofabric}/restql/{query-worker}
    GET /_api/user/{user}/database/{geofabric}/managedkey
    GET /_api/user/{user}/database/{geofabric}/managedkey/{managed-key-name}
    DELETE /_api/user/{user}/database/{geofabric}/managedkey/{managed-key-name}
    PUT /_api/user/{user}/database/{geofabric}/managedkey/{managed-key-name}
    GET /_api/user/{user}/billing
    DELETE /_api/user/{user}/billing
    PUT /_api/user/{user}/billing
    GET /_api/user/{user}/attributes
    PUT /_api/user/{user}/attributes
    DELETE /_api/user/{user}/attributes/truncate
    DELETE /_api/user/{user}/attributes/{attributeid}
    GET /_admin/user jsC8
    POST /_admin/user jsC8
    GET /_admin/user/{user} jsC8
    PATCH /_admin/user/{user} jsC8
    PUT /_admin/user/{user} jsC8
    DELETE /_admin/user/{user} jsC8
    GET /_admin/user/{user}/database jsC8
    GET /_admin/user/{user}/database/{geofabric} jsC8
    PUT /_admin/user/{user}/database/{geofabric} jsC8
    DELETE /_admin/user/{user}/database/{geofabric} jsC8
    GET /_admin/user/{user}/database/{geofabric}/collection jsC8
    GET /_admin/user/{user}/database/{geofabric}/collection/{collection} jsC8
    PUT /_admin/user/{user}/database/{geofabric}/collection/{collection} jsC8
    DELETE /_admin/user/{user}/database/{geofabric}/collection/{collection} jsC8
    GET /_admin/user/{user}/database/{geofabric}/stream jsC8
    GET /_admin/user/{user}/database/{geofabric}/stream/{stream} jsC8
    PUT /_admin/user/{user}/database/{geofabric}/stream/{stream} jsC8
    DELETE /_admin/user/{user}/database/{geofabric}/stream/{stream} jsC8
  `],
  ["Function", `
    GET /_api/function
    POST /_api/function/generate
    POST /_api/function/generate/publisher
    POST /_api/function/generate/query
    GET /_api/function/{fx-name}
    DELETE /_api/function/{fx-name}
    POST /_api/function/invoke/{fx-name}
    GET /_api/function/metadata
    PUT /_api/function/metadata
    POST /_api/function/metadata
    DELETE /_api/function/metadata
  `],
  ["Stream Workers", `
    POST /_api/streamapps/validate
    GET /_api/streamapps
    POST /_api/streamapps
    GET /_api/streamapps/samples
    GET /_api/streamapps/{appname}
    PUT /_api/streamapps/{appname}
    DELETE /_api/streamapps/{appname}
    POST /_api/streamapps/query/{appName}
    PATCH /_api/streamapps/{appname}/active
    POST /_api/streamapps/http/{appName}/{streamName}
  `],
  ["Import Export", `
    POST /_api/export
    GET /_api/export/{collection}
    POST /_api/import/{collection}
    POST /_api/import jsC8
  `],
  ["Redis", `
    POST /_api/redis/{collection}
    GET /_api/redis/{collection}/{command}
  `],
  ["Dynamo", `
    POST /_api/dynamo
  `],
  ["Managed Keys", `
    GET /_api/kms/managedkey
    POST /_api/kms/managedkey
    GET /_api/kms/managedkey/{id}
    DELETE /_api/kms/managedkey/{id}
    PATCH /_api/kms/managedkey/{id}/enable/{enable}
  `],
  ["Secrets", `
    GET /_api/kms/secret
    POST /_api/kms/secret
    DELETE /_api/kms/secret
    GET /_api/kms/secret/{name}
    PUT /_api/kms/secret/{name}
    DELETE /_api/kms/secret/{name}
  `],
  ["Connections", `
    POST /_api/connections
    GET /_api/connections
    POST /_api/connections/validate
    GET /_api/connections/{connection-name}
    DELETE /_api/connections/{connection-name}
    PUT /_api/connections/{connection-name}
    GET /_api/connections/metrics
    GET /_api/connectors
    GET /_api/connectors/{connector-name}
    POST /_api/connectors/{connector-name}/sample
    POST /_api/connectors/{connector-name}/schema
    POST /_api/transformations/sample
    POST /_api/transformations/validate
    POST /_api/transformations/preview
  `],
  ["Environments", `
    GET /_api/environments
    POST /_api/environments
    GET /_api/environments/user
    DELETE /_api/environments/{environment}
    GET /_api/environments/{environment}/metadata
    PUT /_api/environments/{environment}/metadata
    PATCH /_api/environments/{environment}/metadata
  `],
  ["Billing", `
    GET /_api/billing/account
    PUT /_api/billing/contact
    GET /_api/billing/payments
    GET /_api/billing/invoices
    GET /_api/billing/invoice/current
    GET /_api/billing/invoices/{year}/{month}
    GET /_api/billing/usage
    GET /_api/billing/region/{region}/usage
  `],
  ["Administration", `
    GET /_api/tenants
    POST /_api/tenant
    DELETE /_api/tenant/{tenant}
    GET /_api/tenant/{tenant}
    PATCH /_api/tenant/{tenant}
    GET /_api/plan
    POST /_api/plan
    GET /_api/plan/{name}
    PATCH /_api/plan/{name}
    DELETE /_api/plan/{name}
    POST /_api/plan/update
    PUT /_api/billing/paymentsettings
    GET /_api/limits/defaults
    PUT /_api/limits/defaults
    PATCH /_api/limits/defaults
    DELETE /_api/limits/defaults
    GET /_api/limits/defaults/{service}
    GET /_api/limits/enable
    POST /_api/limits/enable
    GET /_api/limits/tenant/{tenant}
    PUT /_api/limits/tenant/{tenant}
    PATCH /_api/limits/tenant/{tenant}
    DELETE /_api/limits/tenant/{tenant}
    GET /_api/limits/tenant/{tenant}/{service}
    GET /_api/limits/plan/{attribution}/{name}
    PUT /_api/limits/plan/{attribution}/{name}
    PATCH /_api/limits/plan/{attribution}/{name}
    DELETE /_api/limits/plan/{attribution}/{name}
    GET /_api/limits/plan/{attribution}/{name}/{service}
    DELETE /_api/features/tenant/{tenant}
    GET /_api/features/tenant/{tenant}
    POST /_api/features/tenant/{tenant}
    PUT /_api/features/tenant/{tenant}
    POST /_api/tenant/{tenant}/datacenter/{datacenter}
    DELETE /_api/tenant/{tenant}/datacenter/{datacenter}
    PUT /_api/tenant/{tenant}/datacenter/{datacenter}
    GET /_api/tenant/{tenant}/datacenter/status
    POST /_api/tenant/datacenter/{datacenter}/syncall
    PUT /_api/tenant/{tenant}/fabric/{fabric}/publish-local-collections
    DELETE /_api/tenant/{tenant}/fabric/{fabric}/publish-local-collections
    PUT /_api/tenant/{tenant}/fabric/{fabric}/accept-local-collections-updates
    DELETE /_api/tenant/{tenant}/fabric/{fabric}/accept-local-collections-updates
    DELETE /_api/events
    POST /_api/events
    GET /_api/events
    GET /_api/metrics/names
    POST /_api/metrics/query
    POST /_api/repair/all
    POST /_api/repair/tenant/{tenant}
    POST /_api/repair/check
    POST /_api/repair/sync
    POST /_api/repair/sync/priority/{priority}
    POST /_api/repair/sync/cancel
    POST /_api/_admin/_billing/usage/hourly
    POST /_api/_admin/_billing/usage/daily
    POST /_api/_admin/_billing/usage/federation
    POST /_api/_admin/_billing/usage/report
    GET /_api/_admin/_billing/usage/missing
    POST /_api/_admin/_billing/usage/missing/generate
  `],
  ["Support", `
    POST /_api/trigger/zendesk
  `],
];

function parseFamily(family: string, text: string): GdnEndpoint[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [method, path, source] = line.split(/\s+/) as [HttpMethod, string, string | undefined];
      return { method, path, family, source: source === 'jsC8' ? 'jsC8' : 'OAS' };
    });
}

export const GDN_ENDPOINTS: readonly GdnEndpoint[] = FAMILIES.flatMap(([family, text]) => parseFamily(family, text));

/** `GET /_api/kv/{collection}`: how docs/compatibility.md and error messages name an endpoint. */
export function endpointName(e: Pick<GdnEndpoint, 'method' | 'path'>): string {
  return `${e.method} ${e.path}`;
}
