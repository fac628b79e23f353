// Reports which PoP the GDN global host name leads to, the event it got, and all of process.env.
export async function handler(event) {
  const res = await fetch('https://api-gdn.paas.macrometa.io/_fabric/_system/_api/version');
  const cf = event.Records?.[0]?.cf;
  const report = { pop: res.headers.get('x-gdn-region'), env: Object.keys(process.env).sort(), region: process.env.AWS_REGION, eventType: cf?.config.eventType ?? event.version, uri: cf?.request.uri ?? event.rawPath, query: cf?.request.querystring ?? event.rawQueryString };
  if (!cf) return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(report) };
  return { status: '200', headers: { 'content-type': [{ key: 'Content-Type', value: 'application/json' }] }, body: JSON.stringify(report) };
}
