/**
 * A tiny closed-loop HTTP load generator: `concurrency` requests in flight on keep-alive sockets
 * until `count` have completed. Every target is driven by this same client; the servers under test
 * run in other processes (bench/serve.js), so the client never shares an event loop with them.
 */
import { Buffer } from 'node:buffer';
import http from 'node:http';
import https from 'node:https';
import { localhostLookup } from '../dist/index.js';
import { performance } from 'node:perf_hooks';

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * job: { url, method, count, concurrency, path?, paths?, bodies?, collectKeys?, ca?, authorization? }
 * An https:// url is called by its host name (e.g. api-<region>.localhost) over TLS trusting `ca`.
 * `paths` (cycled) overrides `path`; `bodies` (strings, cycled) are sent as JSON.
 * Resolves { ms, ok, failed, statuses, keys? } where keys[i] is the `_key` of reply i.
 */
export function runLoad(job) {
  const { hostname, port, protocol } = new URL(job.url);
  const tls = protocol === 'https:';
  const client = tls ? https : http;
  const agent = tls
    ? new https.Agent({ keepAlive: true, maxSockets: job.concurrency, ca: job.ca, lookup: localhostLookup('127.0.0.1') })
    : new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const bodies = job.bodies?.map((b) => Buffer.from(b));
  const keys = job.collectKeys ? new Array(job.count) : undefined;
  const statuses = {};
  let sent = 0;
  let done = 0;
  let ok = 0;
  const t0 = performance.now();

  return new Promise((resolve) => {
    const finish = () => {
      agent.destroy();
      resolve({ ms: performance.now() - t0, ok, failed: job.count - ok, statuses, keys });
    };
    const next = () => {
      if (sent === job.count) {
        if (done === job.count) finish();
        return;
      }
      const i = sent++;
      const body = bodies?.[i % bodies.length];
      const headers = body ? { 'content-type': 'application/json', 'content-length': body.length } : {};
      if (job.authorization) headers.authorization = job.authorization;
      const path = job.paths ? job.paths[i % job.paths.length] : job.path;
      let settled = false;
      const settle = (status, text) => {
        if (settled) return;
        settled = true;
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status >= 200 && status < 300) {
          ok++;
          if (keys) keys[i] = JSON.parse(text)._key;
        }
        done++;
        next();
      };
      const req = client.request({ agent, host: hostname, port, method: job.method, path, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => settle(res.statusCode, text));
        res.on('error', () => settle('error', ''));
      });
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('timeout')));
      req.on('error', () => settle('error', ''));
      req.end(body);
    };
    if (job.count === 0) return finish();
    for (let k = 0; k < Math.min(job.concurrency, job.count); k++) next();
  });
}
