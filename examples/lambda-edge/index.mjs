// The seed tutorial's Lambda function: read the address book from the nearest GDN location through
// the saved RESTQL query `showAddresses`. Lambda@Edge has no environment variables, so the GDN host
// and API key travel with the code, in config.json. Attached to a CloudFront viewer-request it
// answers the viewer itself, gzipped: CloudFront refuses a generated viewer response over 40 KB,
// and the whole book is larger than that. Behind an API Gateway it answers in that shape.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const config = JSON.parse(readFileSync(new URL('./config.json', import.meta.url), 'utf8'));

async function call(url, method, body) {
  const headers = { 'content-type': 'application/json', authorization: `apikey ${config.apiKey}` };
  const res = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const answer = await res.json();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${answer.errorMessage ?? res.statusText}`);
  return { answer, region: res.headers.get('x-gdn-region') ?? '' };
}

async function addressBook(zip) {
  const api = `${config.gdnUrl}/_tenant/${config.tenant}/_fabric/${config.fabric}/_api`;
  let { answer, region } = await call(`${api}/restql/execute/showAddresses`, 'POST', {});
  const addresses = [...answer.result];
  // Results come in batches (100 by default); the rest is fetched with the cursor id.
  while (answer.hasMore) {
    ({ answer } = await call(`${api}/restql/fetch/${answer.id}`, 'PUT'));
    addresses.push(...answer.result);
  }
  const shown = zip ? addresses.filter((a) => a.zipCode === zip) : addresses;
  return { region, count: shown.length, addresses: shown };
}

export async function handler(event) {
  const cf = event.Records?.[0]?.cf;
  if (cf) {
    const zip = new URLSearchParams(cf.request.querystring).get('zipCode');
    const book = await addressBook(zip);
    return {
      status: '200',
      statusDescription: 'OK',
      headers: {
        'content-type': [{ key: 'Content-Type', value: 'application/json' }],
        'content-encoding': [{ key: 'Content-Encoding', value: 'gzip' }],
        'x-gdn-region': [{ key: 'X-Gdn-Region', value: book.region }],
      },
      body: gzipSync(JSON.stringify(book)).toString('base64'),
      bodyEncoding: 'base64',
    };
  }
  const book = await addressBook(event.queryStringParameters?.zipCode);
  return { statusCode: 200, headers: { 'content-type': 'application/json', 'x-gdn-region': book.region }, body: JSON.stringify(book) };
}
