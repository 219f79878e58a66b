/**
 * Minimal self-signed X.509 certificates (RSA, SHA-256) built with Web Crypto and a tiny DER writer.
 * Entra publishes an `x5c` certificate for every signing key, and certificate credentials are registered
 * on apps as DER certificates, so the emulator and the tests need real ones.
 */
const RSA_PARAMS: RsaHashedKeyGenParams = {
  name: "RSASSA-PKCS1-v1_5",
  hash: "SHA-256",
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
};

/** A generated key pair with its self-signed certificate. */
export interface SelfSignedCertificate {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** DER-encoded certificate. */
  der: Uint8Array<ArrayBuffer>;
  /** PEM `CERTIFICATE` block. */
  certificatePem: string;
  /** PEM `PRIVATE KEY` (PKCS#8) block. */
  privateKeyPem: string;
}

/** Generates an RSA-2048 key pair and a certificate for it, signed by itself. */
export async function createSelfSignedCertificate(
  commonName: string,
  options: { validDays?: number; notBefore?: Date; dnsNames?: string[]; ipAddresses?: string[] } = {},
): Promise<SelfSignedCertificate> {
  const { privateKey, publicKey } = await crypto.subtle.generateKey(RSA_PARAMS, true, ["sign", "verify"]);
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", publicKey));
  const notBefore = options.notBefore ?? new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + (options.validDays ?? 365) * 86_400_000);
  const name = sequence(set(sequence(oid("2.5.4.3"), tlv(0x0c, new TextEncoder().encode(commonName)))));
  const sha256WithRsa = sequence(oid("1.2.840.113549.1.1.11"), tlv(0x05, new Uint8Array()));
  const serial = crypto.getRandomValues(new Uint8Array(16));
  serial[0] &= 0x7f; // keep the serial number positive
  const tbs = sequence(
    tlv(0xa0, integer(new Uint8Array([2]))), // version v3
    integer(serial),
    sha256WithRsa,
    name,
    sequence(time(notBefore), time(notAfter)),
    name,
    spki,
    ...subjectAltNameExtension(options.dnsNames ?? [], options.ipAddresses ?? []),
  );
  const signature = new Uint8Array(await crypto.subtle.sign(RSA_PARAMS.name, privateKey, tbs));
  const der = sequence(tbs, sha256WithRsa, tlv(0x03, concat(new Uint8Array([0]), signature)));
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", privateKey));
  return {
    privateKey,
    publicKey,
    der,
    certificatePem: toPem("CERTIFICATE", der),
    privateKeyPem: toPem("PRIVATE KEY", pkcs8),
  };
}

/** Wraps DER bytes in a PEM block with 64-character lines. */
export function toPem(label: string, der: Uint8Array): string {
  const body = der.toBase64().match(/.{1,64}/g)!.join("\n");
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/** RFC 5280 §4.2.1.6 subjectAltName; TLS clients match host names against it, not against the CN. */
function subjectAltNameExtension(dnsNames: string[], ipAddresses: string[]): Uint8Array<ArrayBuffer>[] {
  if (dnsNames.length === 0 && ipAddresses.length === 0) return [];
  const names = [
    ...dnsNames.map((name) => tlv(0x82, new TextEncoder().encode(name))),
    ...ipAddresses.map((ip) => tlv(0x87, new Uint8Array(ip.split(".").map(Number)))),
  ];
  const extension = sequence(oid("2.5.29.17"), tlv(0x04, sequence(...names)));
  return [tlv(0xa3, sequence(extension))];
}

function tlv(tag: number, value: Uint8Array): Uint8Array<ArrayBuffer> {
  return concat(new Uint8Array([tag]), length(value.length), value);
}

function length(n: number): Uint8Array<ArrayBuffer> {
  if (n < 0x80) return new Uint8Array([n]);
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return new Uint8Array([0x80 | bytes.length, ...bytes]);
}

function sequence(...items: Uint8Array[]): Uint8Array<ArrayBuffer> {
  return tlv(0x30, concat(...items));
}

function set(...items: Uint8Array[]): Uint8Array<ArrayBuffer> {
  return tlv(0x31, concat(...items));
}

function integer(value: Uint8Array): Uint8Array<ArrayBuffer> {
  return tlv(0x02, value[0] & 0x80 ? concat(new Uint8Array([0]), value) : value);
}

function oid(dotted: string): Uint8Array<ArrayBuffer> {
  const [first, second, ...rest] = dotted.split(".").map(Number);
  const bytes = [first * 40 + second];
  for (const part of rest) {
    const chunk: number[] = [part & 0x7f];
    for (let v = part >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, new Uint8Array(bytes));
}

function time(date: Date): Uint8Array<ArrayBuffer> {
  const iso = date.toISOString().replace(/[-:T]/g, "").slice(0, 14); // YYYYMMDDHHMMSS
  // RFC 5280 §4.1.2.5: UTCTime up to 2049, GeneralizedTime from 2050.
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, new TextEncoder().encode(`${iso.slice(2)}Z`))
    : tlv(0x18, new TextEncoder().encode(`${iso}Z`));
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
