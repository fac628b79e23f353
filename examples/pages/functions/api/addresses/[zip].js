// GET /api/addresses/:zip: one C8QL query with a bind parameter, at the nearest GDN location.
export async function onRequestGet({ params, env }) {
  const res = await fetch(`${env.GDN_URL}/_tenant/${env.GDN_TENANT}/_fabric/${env.GDN_FABRIC}/_api/cursor`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `apikey ${env.GDN_API_KEY}` },
    body: JSON.stringify({ query: 'FOR a IN addresses FILTER a.zipCode == @zip RETURN a', bindVars: { zip: params.zip } }),
  });
  const answer = await res.json();
  if (!res.ok) return Response.json({ error: answer.errorMessage }, { status: res.status });
  return Response.json({ zip: params.zip, region: res.headers.get('x-gdn-region'), addresses: answer.result });
}
