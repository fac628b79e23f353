// The seed tutorial's function as a module Worker: the same `showAddresses` call, with the GDN host
// and API key from the Worker's own bindings (wrangler.toml [vars]), and the colo it runs at from
// request.cf.

async function call(env, path, method, body) {
  const url = `${env.GDN_URL}/_tenant/${env.GDN_TENANT}/_fabric/${env.GDN_FABRIC}/_api${path}`;
  const headers = { 'content-type': 'application/json', authorization: `apikey ${env.GDN_API_KEY}` };
  const res = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const answer = await res.json();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${answer.errorMessage ?? res.statusText}`);
  return { answer, region: res.headers.get('x-gdn-region') ?? '' };
}

export default {
  async fetch(request, env) {
    let { answer, region } = await call(env, '/restql/execute/showAddresses', 'POST', {});
    const addresses = [...answer.result];
    // Results come in batches (100 by default); the rest is fetched with the cursor id.
    while (answer.hasMore) {
      ({ answer } = await call(env, `/restql/fetch/${answer.id}`, 'PUT'));
      addresses.push(...answer.result);
    }
    const zip = new URL(request.url).searchParams.get('zipCode');
    const shown = zip ? addresses.filter((a) => a.zipCode === zip) : addresses;
    return Response.json({ colo: request.cf?.colo, region, count: shown.length, addresses: shown }, { headers: { 'x-gdn-region': region } });
  },
};
