/**
 * An edge function in the Cloudflare Workers module syntax: sessions kept in GDN, made and read at
 * the nearest region. `env.GDN_URL` and `env.GDN_API_KEY` come from the deployment's configuration
 * (wrangler.toml [vars] and a secret); a session lives an hour, by a ttl index on `expiresAt`.
 *
 *   POST /login {"user": "ada"}  -> 201 {"session": "<key>", "region": "<where it was made>"}
 *   GET  /me?session=<key>       -> 200 {"user": "ada", "region": "<where it was read>"}, or 401
 */
export const SESSION_SECONDS = 3600;

function gdn(env, path, init = {}) {
  return fetch(`${env.GDN_URL}/_fabric/_system/_api${path}`, {
    ...init,
    headers: { authorization: `apikey ${env.GDN_API_KEY}`, 'content-type': 'application/json' },
  });
}

const json = (status, body) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** The collection and its ttl index; run once per deployment (here: before each test, on a clean fabric). */
export async function install(env) {
  await gdn(env, '/collection', { method: 'POST', body: JSON.stringify({ name: 'sessions' }) });
  const res = await gdn(env, '/index?collection=sessions', { method: 'POST', body: JSON.stringify({ type: 'ttl', fields: ['expiresAt'], expireAfter: 0 }) });
  if (!res.ok) throw new Error(`ttl index: ${res.status} ${await res.text()}`);
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (request.method === 'POST' && url.pathname === '/login') {
      const { user } = await request.json();
      const expiresAt = Math.floor(Date.now() / 1000) + SESSION_SECONDS;
      const res = await gdn(env, '/document/sessions', { method: 'POST', body: JSON.stringify({ user, expiresAt }) });
      if (!res.ok) return json(502, { error: `GDN answered ${res.status}` });
      return json(201, { session: (await res.json())._key, region: res.headers.get('x-gdn-region') });
    }
    if (request.method === 'GET' && url.pathname === '/me') {
      const res = await gdn(env, `/document/sessions/${encodeURIComponent(url.searchParams.get('session') ?? '')}`);
      if (res.status === 404) return json(401, { error: 'no such session here (yet)' });
      if (!res.ok) return json(502, { error: `GDN answered ${res.status}` });
      return json(200, { user: (await res.json()).user, region: res.headers.get('x-gdn-region') });
    }
    return json(404, { error: 'not found' });
  },
};
