export async function handler() {
  return { status: 'ok' };
}
