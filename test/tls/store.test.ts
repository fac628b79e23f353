import { X509Certificate } from 'node:crypto';
import { copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, connect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { certificateNames } from '../../src/core/gdn-hosts.js';
import { issueServer } from '../../src/tls/issue.js';
import { CA_FILE, loadTls, tlsCacheDir } from '../../src/tls/index.js';
import { tempDir } from '../helpers/tmp.js';

const DAY = 86_400_000;
const NAMES = certificateNames(['r-east', 'r-eu']);
const now = Date.now();

function cert(pem: string): X509Certificate {
  return new X509Certificate(pem);
}

/** A TLS handshake with a server presenting `c`, by a client trusting only `ca`: 'ok' or the client's error. */
function handshake(ca: string, c: { cert: string; key: string }, servername: string): Promise<string> {
  return new Promise<string>((resolve) => {
    const server = createServer(c, (s) => s.end()).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      const socket = connect({ host: '127.0.0.1', port, servername, ca }, () => {
        socket.end();
        server.close();
        resolve('ok');
      });
      socket.on('error', (e: NodeJS.ErrnoException) => {
        server.close();
        resolve(`${e.code}: ${e.message}`);
      });
    });
  });
}

describe('the front door certificate', () => {
  it('is made on first use in the dir: a CA and a server certificate for every name, keys private', () => {
    const dir = tempDir('tls');
    const t = loadTls({ dir, names: NAMES, now });
    expect(t.made).toEqual(['CA (none yet)', 'server certificate (none yet)']);
    expect(t.caFile).toBe(join(dir, CA_FILE));
    expect(readFileSync(t.caFile!, 'utf8')).toBe(t.ca);
    const ca = cert(t.ca);
    const server = cert(t.cert);
    expect(ca.ca).toBe(true);
    expect(server.checkIssued(ca) && server.verify(ca.publicKey)).toBe(true);
    for (const n of ['localhost', 'gdn.localhost', 'api-gdn.localhost', 'r-east.localhost', 'api-r-east.localhost', 'r-eu.localhost', 'api-r-eu.localhost']) {
      expect(server.checkHost(n, { wildcards: false })).toBe(n);
    }
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkIP('::1')).toBeDefined();
    expect(server.subjectAltName).toContain('DNS:*.localhost');
    expect(statSync(join(dir, 'ca-private.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'server-private.pem')).mode & 0o777).toBe(0o600);
  });

  it('is kept across starts, and a new region gets a new server certificate from the same CA', () => {
    const dir = tempDir('tls');
    const first = loadTls({ dir, names: NAMES, now });
    const again = loadTls({ dir, names: NAMES, now: now + DAY });
    expect(again.made).toEqual([]);
    expect(again.cert).toBe(first.cert);
    const grown = loadTls({ dir, names: certificateNames(['r-east', 'r-eu', 'r-ap']), now });
    expect(grown.made).toEqual(['server certificate (does not cover r-ap.localhost, api-r-ap.localhost)']);
    expect(grown.ca).toBe(first.ca);
    expect(cert(grown.cert).checkHost('api-r-ap.localhost', { wildcards: false })).toBe('api-r-ap.localhost');
  });

  it('is reissued by the same CA once expired (or about to), and everything is remade once the CA expired', () => {
    const dir = tempDir('tls');
    const old = loadTls({ dir, names: NAMES, now: now - 900 * DAY });
    expect(cert(old.cert).validTo).toMatch(/\d{4}/);
    expect(new Date(cert(old.cert).validTo).getTime()).toBeLessThan(now);
    const renewed = loadTls({ dir, names: NAMES, now });
    expect(renewed.made).toEqual([`server certificate (expired on ${cert(old.cert).validTo})`]);
    expect(renewed.ca).toBe(old.ca);
    expect(new Date(cert(renewed.cert).validTo).getTime()).toBeGreaterThan(now + 800 * DAY);

    const ancient = tempDir('tls');
    const before = loadTls({ dir: ancient, names: NAMES, now: now - 3647 * DAY });
    const after = loadTls({ dir: ancient, names: NAMES, now });
    expect(after.made[0]).toBe(`CA (expires on ${cert(before.ca).validTo})`);
    expect(after.made[1]).toBe('server certificate (not issued by the current CA)');
    expect(after.ca).not.toBe(before.ca);
    expect(readFileSync(after.caFile!, 'utf8')).toBe(after.ca);
  });

  it('replaces a damaged file instead of failing the start', () => {
    const dir = tempDir('tls');
    loadTls({ dir, names: NAMES, now });
    writeFileSync(join(dir, 'server-private.pem'), 'not a certificate');
    const t = loadTls({ dir, names: NAMES, now });
    expect(t.made).toEqual(['server certificate (none yet)']);
    writeFileSync(join(dir, 'ca-private.pem'), '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    expect(loadTls({ dir, names: NAMES, now }).made[0]).toMatch(/^CA \(unreadable/);
  });

  it('lives in memory without a dir, shared by the fabrics of one process', () => {
    const a = loadTls({ dir: undefined, names: certificateNames(['only-here']), now });
    const b = loadTls({ dir: undefined, names: certificateNames(['only-here']), now });
    expect(a.caFile).toBeUndefined();
    expect(b.made).toEqual([]);
    expect(b.cert).toBe(a.cert);
  });

  it('comes from a CA that can vouch for nothing but localhost names and loopback addresses', async () => {
    const dir = tempDir('tls');
    const t = loadTls({ dir, names: NAMES, now });
    const caPrivate = readFileSync(join(dir, 'ca-private.pem'), 'utf8');
    const key = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n/.exec(caPrivate)![0];
    // Even a certificate the CA's own key signs for a real site is refused by a client trusting the CA.
    const forged = issueServer({ cert: t.ca, key }, ['example.com'], now);
    expect(await handshake(t.ca, { cert: t.cert, key: t.key }, 'api-r-eu.localhost')).toBe('ok');
    // OpenSSL's check of RFC 5280 name constraints (Node has no code of its own for it).
    expect(await handshake(t.ca, forged, 'example.com')).toBe('UNSPECIFIED: permitted subtree violation');
  });
});

/**
 * legacy-rsa/ holds a data dir's tls/ files as fabric-emu made them before its switch to EC: an
 * RSA-2048 CA and server certificate issued with node-forge for r-east and r-eu. A dir like it on a
 * user's disk keeps its CA, so whoever trusted that CA need not trust a new one. The CA is valid
 * until November 2036.
 */
describe('a data dir whose CA is RSA, from before the switch to EC', () => {
  const LEGACY = fileURLToPath(new URL('./legacy-rsa/', import.meta.url));
  const FILES = ['ca-private.pem', 'server-private.pem'];
  const legacyCa = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/.exec(readFileSync(join(LEGACY, 'ca-private.pem'), 'utf8'))![0];
  // A day after the fixture was made, so its server certificate is still valid whatever today is.
  const then = new Date(cert(legacyCa).validFrom).getTime() + DAY;
  const legacyDir = () => {
    const dir = tempDir('tls');
    for (const f of FILES) copyFileSync(join(LEGACY, f), join(dir, f));
    return dir;
  };

  it('keeps serving with the RSA certificates it has, while they are good', () => {
    const t = loadTls({ dir: legacyDir(), names: NAMES, now: then });
    expect(t.made).toEqual([]);
    expect(t.ca).toBe(legacyCa);
    expect(cert(t.cert).publicKey.asymmetricKeyType).toBe('rsa');
  });

  it('signs the next server certificate, an EC one, with its RSA key: trusted by its clients, still only for localhost names', async () => {
    const dir = legacyDir();
    // Today, for the handshakes below check the dates against the real clock; the fixture's server
    // certificate may have expired by then, but its missing names are what is reported first.
    const t = loadTls({ dir, names: certificateNames(['r-east', 'r-eu', 'r-ap']), now });
    expect(t.made).toEqual(['server certificate (does not cover r-ap.localhost, api-r-ap.localhost)']);
    expect(t.ca).toBe(legacyCa);
    expect(readFileSync(t.caFile!, 'utf8')).toBe(legacyCa);
    const server = cert(t.cert);
    expect(server.publicKey.asymmetricKeyType).toBe('ec');
    expect(server.checkIssued(cert(legacyCa)) && server.verify(cert(legacyCa).publicKey)).toBe(true);
    expect(await handshake(legacyCa, { cert: t.cert, key: t.key }, 'api-r-ap.localhost')).toBe('ok');
    const key = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n/.exec(readFileSync(join(dir, 'ca-private.pem'), 'utf8'))![0];
    expect(await handshake(legacyCa, issueServer({ cert: legacyCa, key }, ['example.com'], now), 'example.com')).toBe('UNSPECIFIED: permitted subtree violation');
  });
});

describe('the per-user cache dir of ephemeral runs', () => {
  it('is FABRIC_EMU_TLS_DIR, else the OS cache dir', () => {
    expect(tlsCacheDir({ FABRIC_EMU_TLS_DIR: '/x/tls' }, 'linux')).toBe('/x/tls');
    expect(tlsCacheDir({ XDG_CACHE_HOME: '/home/u/.c' }, 'linux')).toBe('/home/u/.c/fabric-emu/tls');
    expect(tlsCacheDir({}, 'darwin')).toMatch(/Library[\\/]Caches[\\/]fabric-emu[\\/]tls$/);
    expect(tlsCacheDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32')).toMatch(/fabric-emu[\\/]tls$/);
  });
});
