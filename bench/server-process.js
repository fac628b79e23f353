/** A server under test (bench/serve.js) in a process of its own, driven over IPC. */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVE = fileURLToPath(new URL('./serve.js', import.meta.url));

/**
 * Forks bench/serve.js and resolves once it listens; `ca` is the certificate an HTTPS one is trusted by,
 * `authorization` the header a target that checks credentials needs; `cpu()` reads its CPU time in µs.
 */
export function startServer(name, paths, dataDir) {
  const child = fork(SERVE, [name, dataDir], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const reply = () =>
    new Promise((resolve, reject) => {
      const onExit = (code) => reject(new Error(`${name} server exited (${code})`));
      child.once('exit', onExit);
      child.once('message', (m) => {
        child.off('exit', onExit);
        resolve(m);
      });
    });
  return reply().then(({ url, ca, apiKey }) => ({
    name,
    url,
    ca,
    authorization: apiKey === undefined ? undefined : `apikey ${apiKey}`,
    paths,
    async cpu() {
      child.send('cpu');
      const { cpu } = await reply();
      return cpu.user + cpu.system;
    },
    close: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      const kill = setTimeout(() => child.kill(), 10_000);
      child.once('exit', () => resolve(clearTimeout(kill)));
      child.send('close');
    }),
  }));
}

export function expectAllOk(what, r) {
  if (r.failed > 0) throw new Error(`${what}: ${r.failed} requests failed, statuses ${JSON.stringify(r.statuses)}`);
}

