export async function handler() {
  throw new Error('boom from a broken handler');
}
