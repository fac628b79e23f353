// Reports which PoP its GDN_URL leads to, and the environment it was given.
export async function handler(event) {
  const res = await fetch(`${process.env.GDN_URL}/_fabric/${process.env.GDN_FABRIC}/_api/version`);
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      pop: res.headers.get('x-gdn-region'),
      env: { GDN_URL: process.env.GDN_URL, GDN_REGION: process.env.GDN_REGION, GDN_FABRIC: process.env.GDN_FABRIC, GDN_TENANT: process.env.GDN_TENANT },
      path: event.rawPath,
      query: event.queryStringParameters ?? null,
      body: event.body ?? null,
    }),
  };
}
