/** Small fetch helpers for tests against PoPs on real ports. */

/** Credentials by origin: a test registers its fabric once, and every call to it carries the fabric's dev API key. */
const credentials = new Map<string, string>();

interface WithCredentials {
  credentials: { apiKey: string };
  globalUrl(): string;
  regions?: readonly { url(): string }[];
}

/** Every later call to the fabric's PoPs or global URL sends `Authorization: apikey <its dev key>`. */
export function useCredentials(fabric: WithCredentials, extraUrls: readonly string[] = []): void {
  for (const u of [fabric.globalUrl(), ...(fabric.regions ?? []).map((r) => r.url()), ...extraUrls]) credentials.set(new URL(u).origin, `apikey ${fabric.credentials.apiKey}`);
}

export function authorizationFor(url: string): string | undefined {
  return credentials.get(new URL(url).origin);
}

/** `headers.authorization: ''` sends no credentials at all. */
export async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const auth = authorizationFor(url);
  const all: Record<string, string> = { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}), ...headers };
  if (all['authorization'] === '') delete all['authorization'];
  const res = await fetch(url, {
    method,
    headers: all,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export const get = (url: string) => call('GET', url);
export const post = (url: string, body?: unknown) => call('POST', url, body);
export const put = (url: string, body?: unknown) => call('PUT', url, body);
export const patch = (url: string, body?: unknown) => call('PATCH', url, body);
export const del = (url: string, body?: unknown) => call('DELETE', url, body);

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls until `check` passes or the deadline passes; returns the elapsed ms. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (await check()) return performance.now() - start;
    if (performance.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(2);
  }
}
