/**
 * Where fabric data lives: every fabric belongs to a tenant, and storage keys collections,
 * documents, indexes and saved queries by the qualified name `<tenant>/<fabric>`, so one tenant's
 * `_system` is not another's. Tenant names never hold '/', fabric names never do either.
 */
export function fabricKey(tenant: string, fabric: string): string {
  return `${tenant}/${fabric}`;
}

export interface FabricScope {
  tenant: string;
  fabric: string;
}

/** The parts of a qualified name; a name without '/' is not qualified and yields undefined. */
export function splitFabricKey(key: string): FabricScope | undefined {
  const slash = key.indexOf('/');
  if (slash <= 0 || slash === key.length - 1 || key.indexOf('/', slash + 1) !== -1) return undefined;
  return { tenant: key.slice(0, slash), fabric: key.slice(slash + 1) };
}
