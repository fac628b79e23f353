/** A tiny client for the /_emu API of a running fabric, for the control commands. */
export class ControlError extends Error {}

export async function emu<T = unknown>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${base.replace(/\/$/, '')}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (e) {
    throw new ControlError(`cannot reach a fabric at ${base} (${(e as Error).message}); is 'fabric-emu up' running with this --data-dir? (or give --url, or FABRIC_EMU_URL)`);
  }
  const text = await res.text();
  if (!res.ok) {
    let msg = text;
    try {
      msg = (JSON.parse(text) as { errorMessage?: string }).errorMessage ?? text;
    } catch {
      /* not JSON: keep the text */
    }
    throw new ControlError(`${method} ${path}: ${res.status}: ${msg}`);
  }
  return (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T;
}
