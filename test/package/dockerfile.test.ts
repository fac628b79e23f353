import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const read = (p: string) => readFileSync(new URL(p, root), 'utf8');
/** From the runtime stage's FROM to the end: what users get and what CI tests must be the same. */
const runtime = (text: string) => text.slice(text.indexOf('FROM ${NODE_IMAGE} AS runtime'));

describe('the container image', () => {
  it('CI builds the runtime stage users build: docker/Dockerfile.offline and Dockerfile agree from "AS runtime" on', () => {
    const user = read('Dockerfile');
    expect(runtime(user)).toContain('HEALTHCHECK');
    expect(runtime(read('docker/Dockerfile.offline'))).toBe(runtime(user));
  });

  it('is built on an official Node LTS image, runs as a non-root user and checks its health', () => {
    const user = read('Dockerfile');
    expect(user).toMatch(/^ARG NODE_IMAGE=node:(22|24)-slim$/m);
    expect(runtime(user)).toMatch(/^USER 1000:1000$/m);
    expect(runtime(user)).toMatch(/^HEALTHCHECK .*CMD \["node", "\/app\/healthcheck\.mjs"\]$/m);
  });

  it('both build stages lay out the same files in /app', () => {
    const laidOut = /cp -r (.+) \/stage\/$/m.exec(read('Dockerfile'))![1]!.split(' ').map((f) => f.replace(/^docker\//, ''));
    const staged = /^cp -r (.+) \.image-stage\/$/m.exec(read('docker/stage.sh'))![1]!.split(' ').map((f) => f.replace(/^docker\//, ''));
    // stage.sh copies package.json and node_modules in steps of their own (to prune them).
    expect(new Set(laidOut)).toEqual(new Set([...staged, 'package.json', 'node_modules']));
  });
});
