// The address book as an Akamai EdgeWorker: onClientRequest refuses anything but GET, and
// responseProvider answers from the nearest GDN location (the saved query showAddresses, every batch).
import { httpRequest } from 'http-request';
import { createResponse } from 'create-response';
import { logger } from 'log';
import URLSearchParams from 'url-search-params';
import { GDN } from './config.js';

const api = `${GDN.url}/_tenant/${GDN.tenant}/_fabric/${GDN.fabric}/_api`;
const headers = { 'content-type': 'application/json', authorization: `apikey ${GDN.apiKey}` };

export function onClientRequest(request) {
  if (request.method !== 'GET') request.respondWith(405, { allow: 'GET' }, 'only GET');
}

export async function responseProvider(request) {
  let res = await httpRequest(`${api}/restql/execute/showAddresses`, { method: 'POST', headers, body: '{}' });
  let answer = await res.json();
  if (!res.ok) return createResponse(res.status, { 'content-type': 'application/json' }, JSON.stringify(answer));
  const region = res.getHeader('x-gdn-region')?.[0] ?? '';
  const addresses = [...answer.result];
  while (answer.hasMore) {
    res = await httpRequest(`${api}/restql/fetch/${answer.id}`, { method: 'PUT', headers });
    answer = await res.json();
    addresses.push(...answer.result);
  }
  const zip = new URLSearchParams(request.query).get('zipCode');
  const shown = zip ? addresses.filter((a) => a.zipCode === zip) : addresses;
  logger.log('%s addresses from %s for a client in %s', shown.length, region, request.userLocation.city);
  return createResponse(200, { 'content-type': 'application/json', 'x-gdn-region': region }, JSON.stringify({ region, city: request.userLocation.city, count: shown.length, addresses: shown }));
}
