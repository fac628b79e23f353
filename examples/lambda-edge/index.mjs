// The seed tutorial's Lambda function: read the address book from the nearest GDN location
// through the saved RESTQL query `showAddresses`. Deployed, GDN_URL is your regional or global API
// host; under `fabric-emu invoke` / `fabric-emu dev` it is the nearest live PoP of the emulator.

async function call(url, method, headers, body) {
  const res = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const answer = await res.json();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${answer.errorMessage ?? res.statusText}`);
  return { answer, region: res.headers.get('x-gdn-region') ?? '' };
}

export async function handler(event) {
  const base = process.env.GDN_URL;
  if (!base) throw new Error('GDN_URL is not set: the GDN API host, e.g. https://api-gdn.paas.macrometa.io');
  const api = `${base}/_tenant/${process.env.GDN_TENANT ?? '_mm'}/_fabric/${process.env.GDN_FABRIC ?? '_system'}/_api`;
  const headers = { 'content-type': 'application/json' };
  // GDN (and fabric-emu, unless started with --no-auth) needs an API key: `fabric-emu up` prints one.
  if (process.env.GDN_API_KEY) headers.authorization = `apikey ${process.env.GDN_API_KEY}`;

  let { answer, region } = await call(`${api}/restql/execute/showAddresses`, 'POST', headers, {});
  const addresses = [...answer.result];
  // Results come in batches (100 by default); the rest is fetched with the cursor id.
  while (answer.hasMore) {
    ({ answer } = await call(`${api}/restql/fetch/${answer.id}`, 'PUT', headers));
    addresses.push(...answer.result);
  }
  const zip = event?.queryStringParameters?.zipCode;
  const shown = zip ? addresses.filter((a) => a.zipCode === zip) : addresses;
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json', 'x-gdn-region': region },
    body: JSON.stringify({ region, count: shown.length, addresses: shown }),
  };
}
