import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  KeyUsage,
  NameConstraints,
  SubjectKeyIdentifier,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_nameConstraints,
  id_ce_subjectKeyIdentifier,
  id_kp_serverAuth,
  type TBSCertificate,
} from '@peculiar/asn1-x509';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { certificateNames } from '../../src/core/gdn-hosts.js';
import { CA_VALID_DAYS, SERVER_VALID_DAYS, issueCa, issueServer } from '../../src/tls/issue.js';

const DAY = 86_400_000;
const now = Date.UTC(2030, 0, 15, 12, 0, 0);
const NAMES = certificateNames(['r-east']);

/** The certificate as DER decodes it, independently of how it was built. */
function decoded(pem: string): { tbs: TBSCertificate; ext: (oid: string) => { critical: boolean; value: ArrayBuffer } | undefined } {
  const tbs = AsnConvert.parse(new X509Certificate(pem).raw, Certificate).tbsCertificate;
  const ext = (oid: string) => {
    const e = tbs.extensions?.find((x) => x.extnID === oid);
    return e && { critical: e.critical, value: e.extnValue.buffer };
  };
  return { tbs, ext };
}

const hex = (b: ArrayBuffer) => Buffer.from(b).toString('hex');
const keyBitsSha1 = (tbs: TBSCertificate) => createHash('sha1').update(new Uint8Array(tbs.subjectPublicKeyInfo.subjectPublicKey)).digest('hex');

describe('the local CA', () => {
  const ca = issueCa(now);
  const { tbs, ext } = decoded(ca.cert);

  it('is self-signed with a P-256 key, ECDSA and SHA-256, and is PEM with LF only', () => {
    const x = new X509Certificate(ca.cert);
    expect(x.publicKey.asymmetricKeyType).toBe('ec');
    expect(x.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(createPrivateKey(ca.key).asymmetricKeyType).toBe('ec');
    expect(x.checkPrivateKey(createPrivateKey(ca.key))).toBe(true);
    expect(tbs.signature.algorithm).toBe('1.2.840.10045.4.3.2');
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.issuer).toBe(x.subject);
    expect(x.subject).toBe('CN=fabric-emu local CA\nO=fabric-emu (local emulator\\, not a public CA)');
    expect(`${ca.cert}${ca.key}`).not.toContain('\r');
    expect(ca.cert).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
  });

  it('is a CA for no further CA (critical), may sign certificates and CRLs only (critical), and names its key', () => {
    const bc = ext(id_ce_basicConstraints)!;
    expect(bc.critical).toBe(true);
    expect(AsnConvert.parse(bc.value, BasicConstraints)).toMatchObject({ cA: true, pathLenConstraint: 0 });
    const ku = ext(id_ce_keyUsage)!;
    expect(ku.critical).toBe(true);
    expect(AsnConvert.parse(ku.value, KeyUsage).toJSON().sort()).toEqual(['crlSign', 'keyCertSign']);
    expect(hex(AsnConvert.parse(ext(id_ce_subjectKeyIdentifier)!.value, SubjectKeyIdentifier).buffer)).toBe(keyBitsSha1(tbs));
  });

  it('may vouch only for localhost, its subdomains and loopback addresses (RFC 5280 §4.2.1.10, critical)', () => {
    const nc = ext(id_ce_nameConstraints)!;
    expect(nc.critical).toBe(true);
    const parsed = AsnConvert.parse(nc.value, NameConstraints);
    expect(parsed.excludedSubtrees).toBeUndefined();
    expect(parsed.permittedSubtrees!.map((s) => s.base.dNSName ?? s.base.iPAddress)).toEqual(['localhost', '127.0.0.0/8', '::1/128']);
  });

  it('is valid for ten years from five minutes ago, with a 16-byte positive serial that differs each time', () => {
    expect(tbs.validity.notBefore.getTime().getTime()).toBe(now - 5 * 60_000);
    expect(tbs.validity.notAfter.getTime().getTime()).toBe(now + CA_VALID_DAYS * DAY);
    const serial = new Uint8Array(tbs.serialNumber);
    expect(serial.length).toBe(16);
    expect(serial[0]! & 0x80).toBe(0);
    expect(serial[0]).not.toBe(0);
    expect(hex(decoded(issueCa(now).cert).tbs.serialNumber)).not.toBe(hex(tbs.serialNumber));
  });
});

describe('the server certificate', () => {
  const ca = issueCa(now);
  const server = issueServer(ca, NAMES, now);
  const { tbs, ext } = decoded(server.cert);
  const x = new X509Certificate(server.cert);

  it('has its own P-256 key and is signed by the CA', () => {
    const caX = new X509Certificate(ca.cert);
    expect(x.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(x.checkPrivateKey(createPrivateKey(server.key))).toBe(true);
    expect(x.checkIssued(caX) && x.verify(caX.publicKey)).toBe(true);
    expect(x.issuer).toBe(caX.subject);
    expect(x.subject).toBe('CN=localhost');
    expect(`${server.cert}${server.key}`).not.toContain('\r');
  });

  it('is no CA (critical), its key only signs (critical: an EC key cannot encipher), and it serves TLS', () => {
    const bc = ext(id_ce_basicConstraints)!;
    expect(bc.critical).toBe(true);
    expect(AsnConvert.parse(bc.value, BasicConstraints).cA).toBe(false);
    const ku = ext(id_ce_keyUsage)!;
    expect(ku.critical).toBe(true);
    expect(AsnConvert.parse(ku.value, KeyUsage).toJSON()).toEqual(['digitalSignature']);
    expect([...AsnConvert.parse(ext(id_ce_extKeyUsage)!.value, ExtendedKeyUsage)]).toEqual([id_kp_serverAuth]);
    expect(x.keyUsage).toEqual([id_kp_serverAuth]);
  });

  it('names exactly the given DNS names and the loopback addresses', () => {
    expect(x.subjectAltName).toBe([...NAMES.map((n) => `DNS:${n}`), 'IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1'].join(', '));
  });

  it("names its own key and the CA's, as the CA names it", () => {
    expect(hex(AsnConvert.parse(ext(id_ce_subjectKeyIdentifier)!.value, SubjectKeyIdentifier).buffer)).toBe(keyBitsSha1(tbs));
    const caSki = AsnConvert.parse(decoded(ca.cert).ext(id_ce_subjectKeyIdentifier)!.value, SubjectKeyIdentifier).buffer;
    expect(hex(AsnConvert.parse(ext(id_ce_authorityKeyIdentifier)!.value, AuthorityKeyIdentifier).keyIdentifier!.buffer)).toBe(hex(caSki));
  });

  it('is valid for 825 days from five minutes ago, and never beyond the CA', () => {
    expect(tbs.validity.notBefore.getTime().getTime()).toBe(now - 5 * 60_000);
    expect(tbs.validity.notAfter.getTime().getTime()).toBe(now + SERVER_VALID_DAYS * DAY);
    const late = now + (CA_VALID_DAYS - 100) * DAY;
    const capped = decoded(issueServer(ca, NAMES, late).cert).tbs;
    expect(capped.validity.notAfter.getTime().getTime()).toBe(now + CA_VALID_DAYS * DAY);
  });
});

describe('issuing in the user\'s process', () => {
  /** Runs `body` in a fresh Node on the built package and returns what it prints as JSON. */
  const fresh = (body: string): unknown => {
    const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
    const script = `import { createRequire } from 'node:module'; const dist = ${JSON.stringify(dist)}; ${body}`;
    return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
  };

  it('loads no certificate library until a certificate is made, and adds no global by making one', () => {
    const seen = fresh(`
      await import(dist + 'index.js');
      const before = new Set(Reflect.ownKeys(globalThis));
      const reflect = Reflect.ownKeys(Reflect).length;
      const schemas = () => Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes('@peculiar'));
      const atImport = schemas();
      const { issueCa, issueServer } = await import(dist + 'tls/issue.js');
      issueServer(issueCa(Date.now()), ['localhost'], Date.now());
      console.log(JSON.stringify({ atImport, afterIssue: schemas(), added: Reflect.ownKeys(globalThis).filter((k) => !before.has(k)).map(String), reflectChanged: Reflect.ownKeys(Reflect).length !== reflect }));
    `);
    expect(seen).toEqual({ atImport: false, afterIssue: true, added: [], reflectChanged: false });
  });
});
