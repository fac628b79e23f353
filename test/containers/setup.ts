import { execFileSync } from 'node:child_process';
import { IMAGE } from './image.js';

/** Fails the run at once, saying why, when there is no engine or no image: never a silent skip. */
export default function setup(): void {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`the container tests need a running Docker engine (.ci/run starts one): ${(e as Error).message}`);
  }
  try {
    execFileSync('docker', ['image', 'inspect', IMAGE], { stdio: 'pipe' });
  } catch {
    throw new Error(`no image ${IMAGE}: build it with docker/build-offline.sh (or docker build -t ${IMAGE} .)`);
  }
}
