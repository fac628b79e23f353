// Runs before every function: says which colo answered.
export async function onRequest(context) {
  const response = await context.next();
  const headers = new Headers(response.headers);
  headers.set('x-served-by', `pages@${context.request.cf?.colo ?? 'unknown'}`);
  return new Response(response.body, { status: response.status, headers });
}
