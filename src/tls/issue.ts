import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { LOCAL_DOMAIN, LOOPBACK_IPS } from '../core/gdn-hosts.js';

/**
 * Issues the local CA and the front door's server certificate with node-forge. forge builds and
 * signs the certificates (its ASN.1 encoder, never ours); the RSA keys come from node:crypto, which
 * makes them natively and fast. Everything that checks a certificate later uses node:crypto's
 * X509Certificate (store.ts), so forge never parses input it did not make.
 *
 * Why forge: pure JavaScript with no native part and no global side effects, so it runs on every
 * Node from 20 to 26 inside the user's own test process. @peculiar/x509 (and selfsigned, built on
 * it) needs a reflect-metadata polyfill installed on the global Reflect of that process; forge's one
 * cost, RSA signing in JavaScript, is paid once per data dir (or once per process in memory).
 */
const { pki, asn1, md } = forge;

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

const CA_NAME = [
  { name: 'commonName', value: 'fabric-emu local CA' },
  { name: 'organizationName', value: 'fabric-emu (local emulator, not a public CA)' },
];

/** forge writes PEM with CRLF; node:crypto and every file here use LF, so the texts compare equal. */
const lf = (pem: string) => pem.replace(/\r\n/g, '\n');

function rsaKey(): { pem: string; forge: forge.pki.rsa.PrivateKey } {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { pem: privateKey, forge: pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey };
}

/** 16 random bytes as a positive DER INTEGER: the top bit clear, no leading zero byte. */
function serialNumber(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return b.toString('hex');
}

const subtree = (tag: number, value: string) =>
  asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, false, value)]);
const bytes = (xs: number[]) => String.fromCharCode(...xs);

/**
 * RFC 5280 §4.2.1.10 name constraints: the CA may only vouch for `localhost`, its subdomains and
 * loopback addresses. A user trusts this CA in their browser or OS once; should its key ever leak
 * from the data dir, it still cannot impersonate any real site. forge has no named builder for
 * this extension, so its value is built with forge's ASN.1 API: GeneralSubtrees of a dNSName [2]
 * and two iPAddress [7] (address and mask).
 */
function nameConstraints(): string {
  const permitted = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
    subtree(2, LOCAL_DOMAIN),
    subtree(7, bytes([127, 0, 0, 0, 255, 0, 0, 0])),
    subtree(7, bytes([...Array<number>(15).fill(0), 1, ...Array<number>(16).fill(255)])),
  ]);
  return asn1.toDer(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [permitted])).getBytes();
}

function validity(cert: forge.pki.Certificate, now: number, days: number, notAfterCap?: Date): void {
  cert.validity.notBefore = new Date(now - BACKDATE_MS);
  const end = new Date(now + days * DAY_MS);
  cert.validity.notAfter = notAfterCap && notAfterCap < end ? notAfterCap : end;
}

export function issueCa(now: number): Issued {
  const key = rsaKey();
  const cert = pki.createCertificate();
  cert.publicKey = pki.setRsaPublicKey(key.forge.n, key.forge.e);
  cert.serialNumber = serialNumber();
  validity(cert, now, CA_VALID_DAYS);
  cert.setSubject(CA_NAME);
  cert.setIssuer(CA_NAME);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
    { id: '2.5.29.30', critical: true, value: nameConstraints() },
  ]);
  cert.sign(key.forge, md.sha256.create());
  return { cert: lf(pki.certificateToPem(cert)), key: key.pem };
}

/** A server certificate for exactly `dnsNames` and the loopback addresses, signed by `ca`. */
export function issueServer(ca: Issued, dnsNames: readonly string[], now: number): Issued {
  const caCert = pki.certificateFromPem(ca.cert);
  const caKey = pki.privateKeyFromPem(ca.key) as forge.pki.rsa.PrivateKey;
  const key = rsaKey();
  const cert = pki.createCertificate();
  cert.publicKey = pki.setRsaPublicKey(key.forge.n, key.forge.e);
  cert.serialNumber = serialNumber();
  // A server certificate never outlives the CA that signed it.
  validity(cert, now, SERVER_VALID_DAYS, caCert.validity.notAfter);
  cert.setSubject([{ name: 'commonName', value: LOCAL_DOMAIN }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [...dnsNames.map((value) => ({ type: 2, value })), ...LOOPBACK_IPS.map((ip) => ({ type: 7, ip }))] },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, md.sha256.create());
  return { cert: lf(pki.certificateToPem(cert)), key: key.pem };
}
