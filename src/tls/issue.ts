import { X509Certificate, createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import type { AlgorithmIdentifier, KeyIdentifier, Name, NameConstraints, SubjectPublicKeyInfo, TBSCertificate, Validity, Extension } from '@peculiar/asn1-x509';
import { LOCAL_DOMAIN, LOOPBACK_IPS } from '../core/gdn-hosts.js';

/**
 * Issues the local CA and the front door's server certificate. Keys are ECDSA P-256 and every
 * signature ECDSA with SHA-256, both made natively by node:crypto (well under a millisecond each),
 * so a first start no longer spends most of a second on RSA key generation and JavaScript RSA
 * signing. The certificate structures are @peculiar/asn1-x509's typed RFC 5280 schemas, encoded by
 * its DER serializer (never our own ASN.1); node:crypto signs the encoded TBSCertificate.
 *
 * Why these: pure JavaScript plus node:crypto, synchronous, and nothing left on the global object
 * (see asn1() below), so they run on every Node from 20 to 26 inside the user's own test process.
 * @peculiar/x509 (built on the same schemas) needs a reflect-metadata polyfill on the global
 * Reflect; pkijs keeps its crypto engine on the global object (`globalThis[process.pid]`) from
 * the moment it is imported, and signs only asynchronously; node-forge has no EC.
 *
 * A CA already on disk with an RSA key (made before the switch to EC) keeps signing: node:crypto
 * signs with it natively too, so it costs nothing, and users who trusted it need not trust anew.
 */

/** A certificate and its private key, both PEM. */
export interface Issued {
  cert: string;
  key: string;
}

export const CA_VALID_DAYS = 3650;
/** The most Apple's TLS policy accepts from any CA (825 days), so macOS and iOS clients take it too. */
export const SERVER_VALID_DAYS = 825;
const DAY_MS = 86_400_000;
/** Issued a little in the past, so a client whose clock runs slightly behind still accepts it. */
const BACKDATE_MS = 5 * 60_000;

const OID_COMMON_NAME = '2.5.4.3';
const OID_ORGANIZATION = '2.5.4.10';
const CA_NAME: [string, string][] = [
  [OID_COMMON_NAME, 'fabric-emu local CA'],
  [OID_ORGANIZATION, 'fabric-emu (local emulator, not a public CA)'],
];

/** The signature algorithm of each CA key type (RFC 5758 §3.2; RFC 4055 §5: RSA's carries NULL parameters). */
const SIGNATURE_OIDS: Partial<Record<string, { algorithm: string; parameters?: null }>> = {
  ec: { algorithm: '1.2.840.10045.4.3.2' },
  rsa: { algorithm: '1.2.840.113549.1.1.11', parameters: null },
};

type Asn1 = typeof import('@peculiar/asn1-schema') & typeof import('@peculiar/asn1-x509');
let loaded: Asn1 | undefined;

/**
 * The schemas, loaded on the first certificate a process issues rather than with fabric-emu: most
 * starts keep the certificate they have, and the library's many CommonJS files take tens of
 * milliseconds to load, which every process importing fabric-emu would otherwise pay. Their
 * helper library, tslib, also copies its helpers (`__extends`, `__decorate`, ...) onto the global
 * object as it loads; the schemas use their own module's copies, so whatever globals the load
 * added are removed again and the user's process is left as it was.
 */
function asn1(): Asn1 {
  if (loaded === undefined) {
    const require = createRequire(import.meta.url);
    const before = new Set(Reflect.ownKeys(globalThis));
    loaded = { ...(require('@peculiar/asn1-schema') as typeof import('@peculiar/asn1-schema')), ...(require('@peculiar/asn1-x509') as typeof import('@peculiar/asn1-x509')) };
    for (const k of Reflect.ownKeys(globalThis)) if (!before.has(k)) Reflect.deleteProperty(globalThis, k);
  }
  return loaded;
}

function ecKey(): { pem: string; spki: SubjectPublicKeyInfo } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    pem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    spki: asn1().AsnConvert.parse(publicKey.export({ type: 'spki', format: 'der' }), asn1().SubjectPublicKeyInfo),
  };
}

/** 16 random bytes as a positive DER INTEGER: the top bit clear, no leading zero byte. */
function serialNumber(): ArrayBuffer {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return new Uint8Array(b).buffer;
}

/** RFC 5280 §4.2.1.2 method (1): the SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(spki: SubjectPublicKeyInfo): Buffer {
  return createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest();
}

function name(attributes: [string, string][]): Name {
  const { Name, RelativeDistinguishedName, AttributeTypeAndValue, AttributeValue } = asn1();
  return new Name(attributes.map(([type, value]) => new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) })])));
}

function extension(extnID: string, critical: boolean, value: object): Extension {
  const { Extension, OctetString, AsnConvert } = asn1();
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/**
 * RFC 5280 §4.2.1.10 name constraints: the CA may only vouch for `localhost`, its subdomains and
 * loopback addresses. A user trusts this CA in their browser or OS once; should its key ever leak
 * from the data dir, it still cannot impersonate any real site.
 */
function nameConstraints(): NameConstraints {
  const { GeneralName, GeneralSubtree, GeneralSubtrees, NameConstraints } = asn1();
  const bases = [new GeneralName({ dNSName: LOCAL_DOMAIN }), new GeneralName({ iPAddress: '127.0.0.0/8' }), new GeneralName({ iPAddress: '::1/128' })];
  return new NameConstraints({ permittedSubtrees: new GeneralSubtrees(bases.map((base) => new GeneralSubtree({ base }))) });
}

function validity(now: number, days: number, notAfterCap?: Date): Validity {
  const end = new Date(now + days * DAY_MS);
  return new (asn1().Validity)({ notBefore: new Date(now - BACKDATE_MS), notAfter: notAfterCap && notAfterCap < end ? notAfterCap : end });
}

/** Encodes `tbs`, signs it with `signer` and returns the certificate as PEM (node:crypto's, LF). */
function signed(tbs: TBSCertificate, signer: KeyObject): string {
  const { AlgorithmIdentifier, AsnConvert, Certificate } = asn1();
  const oid = SIGNATURE_OIDS[signer.asymmetricKeyType ?? ''];
  if (oid === undefined) throw new Error(`a CA key of type ${signer.asymmetricKeyType} cannot sign certificates here`);
  const algorithm: AlgorithmIdentifier = new AlgorithmIdentifier(oid);
  tbs.signature = algorithm;
  const signatureValue = sign('sha256', new Uint8Array(AsnConvert.serialize(tbs)), signer);
  const der = AsnConvert.serialize(new Certificate({ tbsCertificate: tbs, signatureAlgorithm: algorithm, signatureValue: new Uint8Array(signatureValue).buffer }));
  return new X509Certificate(new Uint8Array(der)).toString();
}

export function issueCa(now: number): Issued {
  const { TBSCertificate, Version, Extensions, BasicConstraints, KeyUsage, KeyUsageFlags, SubjectKeyIdentifier } = asn1();
  const { id_ce_basicConstraints, id_ce_keyUsage, id_ce_subjectKeyIdentifier, id_ce_nameConstraints } = asn1();
  const key = ecKey();
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: serialNumber(),
    issuer: name(CA_NAME),
    subject: name(CA_NAME),
    validity: validity(now, CA_VALID_DAYS),
    subjectPublicKeyInfo: key.spki,
    extensions: new Extensions([
      extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: true, pathLenConstraint: 0 })),
      extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign)),
      extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdentifier(key.spki))),
      extension(id_ce_nameConstraints, true, nameConstraints()),
    ]),
  });
  return { cert: signed(tbs, createPrivateKey(key.pem)), key: key.pem };
}

/** The CA's own subject key identifier, so the server's authority key identifier matches it byte for byte. */
function caKeyIdentifier(ca: TBSCertificate): KeyIdentifier {
  const { AsnConvert, KeyIdentifier, SubjectKeyIdentifier, id_ce_subjectKeyIdentifier } = asn1();
  const ski = ca.extensions?.find((e) => e.extnID === id_ce_subjectKeyIdentifier);
  return new KeyIdentifier(ski ? AsnConvert.parse(ski.extnValue.buffer, SubjectKeyIdentifier).buffer : keyIdentifier(ca.subjectPublicKeyInfo));
}

/**
 * A server certificate for exactly `dnsNames` and the loopback addresses, signed by `ca`. Its key
 * only signs (ECDHE key exchange), so key usage is digitalSignature alone: keyEncipherment is for
 * RSA key transport, which an EC key cannot do.
 */
export function issueServer(ca: Issued, dnsNames: readonly string[], now: number): Issued {
  const { AsnConvert, Certificate, TBSCertificate, Version, Extensions, BasicConstraints, KeyUsage, KeyUsageFlags, ExtendedKeyUsage } = asn1();
  const { SubjectAlternativeName, GeneralName, SubjectKeyIdentifier, AuthorityKeyIdentifier, id_kp_serverAuth } = asn1();
  const { id_ce_basicConstraints, id_ce_keyUsage, id_ce_extKeyUsage, id_ce_subjectAltName, id_ce_subjectKeyIdentifier, id_ce_authorityKeyIdentifier } = asn1();
  const caTbs = AsnConvert.parse(new X509Certificate(ca.cert).raw, Certificate).tbsCertificate;
  const key = ecKey();
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: serialNumber(),
    issuer: caTbs.subject,
    subject: name([[OID_COMMON_NAME, LOCAL_DOMAIN]]),
    // A server certificate never outlives the CA that signed it.
    validity: validity(now, SERVER_VALID_DAYS, caTbs.validity.notAfter.getTime()),
    subjectPublicKeyInfo: key.spki,
    extensions: new Extensions([
      extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: false })),
      extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.digitalSignature)),
      extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([id_kp_serverAuth])),
      extension(id_ce_subjectAltName, false, new SubjectAlternativeName([...dnsNames.map((dNSName) => new GeneralName({ dNSName })), ...LOOPBACK_IPS.map((iPAddress) => new GeneralName({ iPAddress }))])),
      extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdentifier(key.spki))),
      extension(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: caKeyIdentifier(caTbs) })),
    ]),
  });
  return { cert: signed(tbs, createPrivateKey(ca.key)), key: key.pem };
}
