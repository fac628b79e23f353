/** `request.cf`: what Cloudflare tells a Worker about the data center it runs in and the client. */
import { continent } from '../continent.js';
import type { EdgeLocation } from '../fabric-target.js';

/** Cloudflare names a colo by its nearest airport's IATA code; these are the cities of the shipped topologies. */
const COLOS: Record<string, string> = {
  Ashburn: 'IAD',
  'The Dalles': 'PDX',
  'Council Bluffs': 'OMA',
  Dallas: 'DFW',
  'Los Angeles': 'LAX',
  Montreal: 'YUL',
  'São Paulo': 'GRU',
  Santiago: 'SCL',
  Frankfurt: 'FRA',
  London: 'LHR',
  Dublin: 'DUB',
  Madrid: 'MAD',
  Milan: 'MXP',
  Stockholm: 'ARN',
  Warsaw: 'WAW',
  'Tel Aviv': 'TLV',
  Dubai: 'DXB',
  Johannesburg: 'JNB',
  Mumbai: 'BOM',
  Singapore: 'SIN',
  Jakarta: 'CGK',
  'Hong Kong': 'HKG',
  Tokyo: 'NRT',
  Seoul: 'ICN',
  Sydney: 'SYD',
};

/** A colo for a city the table lacks: the first three letters, as Cloudflare's codes look. */
export function colo(city: string): string {
  return COLOS[city] ?? city.replace(/[^A-Za-z]/g, '').slice(0, 3).toUpperCase().padEnd(3, 'X');
}

/** The client is taken to be in the city of the colo it reached, as for a user near that data center. */
export function requestCf(l: EdgeLocation): Record<string, unknown> {
  return {
    colo: colo(l.city),
    country: l.country,
    city: l.city,
    continent: continent(l.country),
    latitude: l.lat.toFixed(5),
    longitude: l.lon.toFixed(5),
    timezone: 'UTC',
    asn: 395747,
    asOrganization: 'fabric-emu',
    clientTcpRtt: 0,
    httpProtocol: 'HTTP/1.1',
    tlsVersion: 'TLSv1.3',
    tlsCipher: 'AEAD-AES128-GCM-SHA256',
    // fabric-emu's own: the topology region this colo belongs to.
    gdnRegion: l.region,
  };
}
