/**
 * The tenant's token-signing keys. Like Entra, every key is an RSA key with a self-signed certificate whose
 * SHA-1 thumbprint is both its `kid` and `x5t`; after a rotation the previous key stays published until the
 * next one, so tokens signed before the rotation still verify.
 */
import { exportJWK, type JWK } from "jose";
import { createSelfSignedCertificate } from "./self_signed_certificate.ts";

/** One signing key. */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** Public JWK as Entra publishes it (without the `issuer` field, which depends on the endpoint). */
  jwk: JWK & { kid: string; x5t: string; x5c: string[] };
}

/** The current signing key plus the previous one. */
export interface SigningKeyRing {
  current: SigningKey;
  previous?: SigningKey;
}

/** Creates one signing key with its certificate. */
export async function createSigningKey(): Promise<SigningKey> {
  const cert = await createSelfSignedCertificate("accounts.accesscontrol.windows.net");
  const thumbprint = new Uint8Array(await crypto.subtle.digest("SHA-1", cert.der));
  const kid = thumbprint.toBase64({ alphabet: "base64url", omitPadding: true });
  const { kty, n, e } = await exportJWK(cert.publicKey);
  return {
    kid,
    privateKey: cert.privateKey,
    publicKey: cert.publicKey,
    jwk: { kty, use: "sig", kid, x5t: kid, n, e, x5c: [cert.der.toBase64()] },
  };
}

let initialKey: Promise<SigningKey> | undefined;

/**
 * Creates a key ring. Entra signs for every tenant with the same global keys, so emulators in one process
 * share their initial key (which also saves an RSA key generation per start); rotation gives a ring its own.
 */
export async function createSigningKeyRing(): Promise<SigningKeyRing> {
  initialKey ??= createSigningKey();
  return { current: await initialKey };
}

/** Makes a new key current; the old current key stays published, the one before it is dropped. */
export async function rotateSigningKeys(ring: SigningKeyRing): Promise<void> {
  const next = await createSigningKey();
  ring.previous = ring.current;
  ring.current = next;
}

/** The keys to publish, current first. */
export function publishedKeys(ring: SigningKeyRing): SigningKey[] {
  return ring.previous ? [ring.current, ring.previous] : [ring.current];
}

/** Finds a published key by `kid`. */
export function findSigningKey(ring: SigningKeyRing, kid: string | undefined): SigningKey | undefined {
  return publishedKeys(ring).find((k) => k.kid === kid);
}
