/// <reference types="@fastly/js-compute" />
// The address book as a Fastly Compute program: the saved query showAddresses through the `gdn`
// backend, which Fastly maps to the GDN host (fastly.toml).
import { env } from 'fastly:env';

const GDN = { tenant: '_mm', fabric: '_system', apiKey: '_mm.dev.replace-with-your-api-key' };

async function handle() {
  const api = `https://api-gdn.paas.macrometa.io/_tenant/${GDN.tenant}/_fabric/${GDN.fabric}/_api`;
  const res = await fetch(`${api}/restql/execute/showAddresses`, {
    method: 'POST',
    body: '{}',
    headers: { 'content-type': 'application/json', authorization: `apikey ${GDN.apiKey}` },
    backend: 'gdn',
  });
  const answer = await res.json();
  return new Response(JSON.stringify({ pop: env('FASTLY_POP'), region: res.headers.get('x-gdn-region'), first: answer.result?.slice(0, 10) }), {
    headers: { 'content-type': 'application/json' },
  });
}

addEventListener('fetch', (event) => event.respondWith(handle()));
