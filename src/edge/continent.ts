/** A country's continent code, as Cloudflare's request.cf and EdgeWorkers' userLocation give it. */
const CONTINENTS: Record<string, string> = { US: 'NA', CA: 'NA', MX: 'NA', BR: 'SA', CL: 'SA', AR: 'SA', CO: 'SA', ZA: 'AF', NG: 'AF', KE: 'AF', EG: 'AF', AU: 'OC', NZ: 'OC' };
const ASIA = new Set(['IN', 'SG', 'ID', 'HK', 'JP', 'KR', 'CN', 'TW', 'AE', 'IL', 'SA', 'QA', 'TH', 'MY', 'PH', 'VN']);

/** Countries not listed are European: every region of the shipped topologies is covered. */
export function continent(country: string): string {
  return CONTINENTS[country] ?? (ASIA.has(country) ? 'AS' : 'EU');
}
