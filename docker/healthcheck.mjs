// The image's HEALTHCHECK: healthy once /_emu/health answers 200. FABRIC_EMU_HEALTH_URL names it (a
// PoP run alone answers on its own port); by default the whole fabric's global port.
const url = process.env.FABRIC_EMU_HEALTH_URL || 'http://127.0.0.1:8530/_emu/health';
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(1500) });
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
