/* global GDN_URL, GDN_TENANT, GDN_FABRIC, GDN_API_KEY */
// One address by key, as a service-worker script: GET /addr-0002 reads that document from the
// nearest GDN location. The bindings are globals in this syntax.

async function lookup(request) {
  const key = new URL(request.url).pathname.slice(1);
  if (!key) return new Response('GET /<address key>, e.g. /addr-0002', { status: 400 });
  const res = await fetch(`${GDN_URL}/_tenant/${GDN_TENANT}/_fabric/${GDN_FABRIC}/_api/document/addresses/${encodeURIComponent(key)}`, {
    headers: { authorization: `apikey ${GDN_API_KEY}` },
  });
  const body = await res.json();
  return new Response(JSON.stringify({ colo: request.cf && request.cf.colo, region: res.headers.get('x-gdn-region'), status: res.status, address: res.ok ? body : null }), {
    status: res.ok ? 200 : res.status,
    headers: { 'content-type': 'application/json' },
  });
}

addEventListener('fetch', (event) => event.respondWith(lookup(event.request)));
