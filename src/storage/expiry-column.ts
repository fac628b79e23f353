/**
 * The `expire_at` column of a row whose user attributes are `body`: its `expireAt` when that is a
 * number, else NULL. KV expiry (kv.ts) reads and indexes the column, so a set, a get and the sweep
 * parse no JSON in SQL; every writer of a row's body sets it (documents.ts, purge.ts).
 */
export function expiryColumn(body: Record<string, unknown>): number | null {
  const at = body['expireAt'];
  return typeof at === 'number' ? at : null;
}
