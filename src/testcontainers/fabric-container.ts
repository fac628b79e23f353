import { createServer } from 'node:net';
import { AbstractStartedContainer, GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { gdnConnection, type GdnConnection, type Jsc8Options, type Topology } from '../index.js';
import { allowedHosts, DEFAULT_IMAGE, resolveOptions, TOPOLOGY_PATH, type FabricCredentials, type FabricEmuOptions } from './options.js';

/** A free port here: the front door listens in the container on the number it is published on, so /datacenter/* names the right one. */
function freeHostPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no free port'))));
    });
  });
}

/**
 * The whole fabric in one container (`fabric-emu up`): every PoP, the global URL and the HTTPS front
 * door, started once the image's health check (/_emu/health) passes.
 *
 *   const fabric = await new FabricEmuContainer().withOptions({ latency: false }).start();
 *   fabric.regionUrl('gdn-us-east'); fabric.credentials.apiKey; new jsc8(await fabric.jsc8Options());
 */
export class FabricEmuContainer extends GenericContainer {
  private options: FabricEmuOptions = {};

  constructor(image = DEFAULT_IMAGE) {
    super(image);
  }

  withOptions(o: FabricEmuOptions): this {
    this.options = { ...this.options, ...o };
    return this;
  }

  override async start(): Promise<StartedFabricEmuContainer> {
    const r = resolveOptions(this.options);
    const httpsPort = await freeHostPort();
    if (r.file !== undefined) this.withCopyContentToContainer([{ content: r.file, target: TOPOLOGY_PATH }]);
    this.withEnvironment({ ...r.env, FABRIC_EMU_ALLOWED_HOSTS: await allowedHosts() })
      .withExposedPorts(r.topology.global.port, ...r.topology.regions.map((x) => x.port), { container: httpsPort, host: httpsPort })
      .withCommand(['up', '--host', '0.0.0.0', '--ephemeral', '--https-port', String(httpsPort), ...r.flags])
      .withWaitStrategy(Wait.forHealthCheck());
    return new StartedFabricEmuContainer(await super.start(), r.topology, r.credentials, httpsPort);
  }
}

export class StartedFabricEmuContainer extends AbstractStartedContainer {
  constructor(
    container: StartedTestContainer,
    readonly topology: Topology,
    readonly credentials: FabricCredentials,
    /** The HTTPS front door's port, the same here and in the container. */
    readonly httpsPort: number,
  ) {
    super(container);
  }

  /** A region's plain HTTP URL, as mapped to this machine. */
  regionUrl(name: string): string {
    const r = this.topology.regions.find((x) => x.name === name);
    if (!r) throw new Error(`no region '${name}'; known: ${this.topology.regions.map((x) => x.name).join(', ')}`);
    return `http://${this.getHost()}:${this.getMappedPort(r.port)}`;
  }

  regionUrls(): Record<string, string> {
    return Object.fromEntries(this.topology.regions.map((r) => [r.name, this.regionUrl(r.name)]));
  }

  /** The geo-routed global URL, which also serves the /_emu control API. */
  globalUrl(): string {
    return `http://${this.getHost()}:${this.getMappedPort(this.topology.global.port)}`;
  }

  /** The front door's global name, `https://gdn.localhost:<port>`, as jsC8 takes it. */
  frontDoorUrl(): string {
    return `https://gdn.localhost:${this.httpsPort}`;
  }

  /** jsC8's options (front door URL, API key, an agent trusting the container's CA): `new jsc8(await c.jsc8Options())`. */
  async jsc8Options(region?: string): Promise<Jsc8Options> {
    const conn = await this.connection(region);
    // jsC8 makes its own agents from the options; this connection's are not needed.
    await conn.close();
    return conn.jsc8;
  }

  /** The connection helper (fetch, agent, CA) for the front door, globally or at one region; close() it when done. */
  connection(region?: string): Promise<GdnConnection> {
    return gdnConnection(this.frontDoorUrl(), { ...(region ? { region } : {}), ...(this.credentials.apiKey ? { apiKey: this.credentials.apiKey } : {}) });
  }
}
