/* global Response */
// The seed tutorial's function as a Cloudflare Worker (module syntax): the same `showAddresses`
// call, with the GDN host in the `env` binding GDN_URL (a [vars] entry or a secret in wrangler.toml).

async function call(url, method, headers, body) {
  const res = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const answer = await res.json();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${answer.errorMessage ?? res.statusText}`);
  return { answer, region: res.headers.get('x-gdn-region') ?? '' };
}

export default {
  async fetch(request, env) {
    if (!env.GDN_URL) return new Response('GDN_URL is not bound', { status: 500 });
    const api = `${env.GDN_URL}/_tenant/${env.GDN_TENANT ?? '_mm'}/_fabric/${env.GDN_FABRIC ?? '_system'}/_api`;
    const headers = { 'content-type': 'application/json' };
    // fabric-emu does not check credentials yet; real GDN needs an API key.
    if (env.GDN_API_KEY) headers.authorization = `apikey ${env.GDN_API_KEY}`;

    let { answer, region } = await call(`${api}/restql/execute/showAddresses`, 'POST', headers, {});
    const addresses = [...answer.result];
    // Results come in batches (100 by default); the rest is fetched with the cursor id.
    while (answer.hasMore) {
      ({ answer } = await call(`${api}/restql/fetch/${answer.id}`, 'PUT', headers));
      addresses.push(...answer.result);
    }
    const zip = new URL(request.url).searchParams.get('zipCode');
    const shown = zip ? addresses.filter((a) => a.zipCode === zip) : addresses;
    return Response.json({ region, count: shown.length, addresses: shown }, { headers: { 'x-gdn-region': region } });
  },
};
