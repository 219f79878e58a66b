/** Just enough DER reading to take an X.509 certificate's validity period and subject common name. */

/** What the emulator needs from a certificate. */
export interface CertificateFacts {
  notBefore: Date;
  notAfter: Date;
  /** Subject `CN`, if any. */
  commonName?: string;
}

interface Element {
  tag: number;
  /** Offset of the content. */
  start: number;
  /** Offset just past the content. */
  end: number;
}

/** Reads a DER certificate's validity and subject CN; `undefined` when the bytes are not a certificate. */
export function readCertificate(der: Uint8Array): CertificateFacts | undefined {
  try {
    const certificate = element(der, 0);
    if (certificate.tag !== 0x30 || certificate.end !== der.length) return undefined;
    const tbs = element(der, certificate.start);
    if (tbs.tag !== 0x30) return undefined;
    const fields = children(der, tbs);
    const offset = fields[0]?.tag === 0xa0 ? 1 : 0; // explicit [0] version is optional (v1 certificates)
    const [serial, , issuer, validity, subject] = fields.slice(offset);
    if (serial?.tag !== 0x02 || issuer?.tag !== 0x30 || validity?.tag !== 0x30 || subject?.tag !== 0x30) {
      return undefined;
    }
    const [notBefore, notAfter] = children(der, validity).map((time) => readTime(der, time));
    if (!notBefore || !notAfter) return undefined;
    return { notBefore, notAfter, commonName: readCommonName(der, subject) };
  } catch {
    return undefined;
  }
}

function element(bytes: Uint8Array, offset: number): Element {
  const tag = bytes[offset];
  let length = bytes[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new Error("unsupported DER length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[start + i];
    start += count;
  }
  const end = start + length;
  if (tag === undefined || end > bytes.length) throw new Error("truncated DER");
  return { tag, start, end };
}

function children(bytes: Uint8Array, parent: Element): Element[] {
  const result: Element[] = [];
  for (let offset = parent.start; offset < parent.end;) {
    const child = element(bytes, offset);
    result.push(child);
    offset = child.end;
  }
  return result;
}

function readTime(bytes: Uint8Array, time: Element): Date | undefined {
  const text = new TextDecoder().decode(bytes.subarray(time.start, time.end));
  // RFC 5280 §4.1.2.5: UTCTime (YYMMDDHHMMSSZ, 50–99 → 19xx) or GeneralizedTime (YYYYMMDDHHMMSSZ).
  const match = time.tag === 0x17
    ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
    : time.tag === 0x18
    ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
    : null;
  if (!match) return undefined;
  const [yearText, month, day, hour, minute, second] = match.slice(1).map(Number);
  const year = time.tag === 0x17 ? (yearText < 50 ? 2000 + yearText : 1900 + yearText) : yearText;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

const COMMON_NAME_OID = [0x55, 0x04, 0x03];

function readCommonName(bytes: Uint8Array, name: Element): string | undefined {
  for (const set of children(bytes, name)) {
    for (const attribute of children(bytes, set)) {
      const [type, value] = children(bytes, attribute);
      const oid = bytes.subarray(type.start, type.end);
      if (type.tag === 0x06 && oid.length === 3 && COMMON_NAME_OID.every((b, i) => oid[i] === b)) {
        return new TextDecoder().decode(bytes.subarray(value.start, value.end));
      }
    }
  }
  return undefined;
}
