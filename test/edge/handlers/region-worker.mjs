/* global Response */
export default {
  async fetch(request, env) {
    const res = await fetch(`${env.GDN_URL}/_fabric/${env.GDN_FABRIC}/_api/version`);
    return Response.json({ pop: res.headers.get('x-gdn-region'), env, method: request.method, path: new URL(request.url).pathname, body: await request.text() });
  },
};
