/**
 * private_key_jwt (RFC 7523 §2.2) with a certificate registered on the app (`keyCredentials`). The header's
 * `x5t#S256` (SHA-256) or `x5t` (SHA-1) thumbprint selects the certificate; `iss` and `sub` are the client
 * ID, `aud` the token endpoint (a single string: Entra refuses audience arrays as malformed), plus `exp`
 * and `jti`. There is no clock-skew grace.
 */
import { compactVerify, decodeJwt, decodeProtectedHeader, importX509, type JWTPayload } from "jose";
import type { KeyCredentialRecord } from "../directory.ts";
import { toPem } from "../self_signed_certificate.ts";
import type { ClientApp } from "./client_app.ts";
import { EntraError } from "./entra_errors.ts";

const SUPPORTED_ALGORITHMS: ReadonlySet<string> = new Set(["RS256", "PS256"]);

/** Verifies a certificate-signed client assertion or throws AADSTS700027/700024/50048/50027. */
export async function verifyCertificateAssertion(
  assertion: string,
  expected: { client: ClientApp; audiences: readonly string[] },
): Promise<void> {
  const { client } = expected;
  let header: Record<string, unknown>;
  let claims: JWTPayload;
  try {
    header = decodeProtectedHeader(assertion) as Record<string, unknown>;
    claims = decodeJwt(assertion);
  } catch {
    throw new EntraError(50027);
  }
  if (claims.sub !== claims.iss) throw new EntraError(50048, { params: { appId: client.appId } });
  const credential = await findCertificate(client, header);
  const now = Date.now();
  if (Date.parse(credential.endDateTime) <= now) {
    throw signatureFailure("The key used is expired.");
  }
  if (Date.parse(credential.startDateTime) > now) {
    throw signatureFailure("The key used is not yet valid.");
  }
  const algorithm = typeof header.alg === "string" ? header.alg : "";
  if (!SUPPORTED_ALGORITHMS.has(algorithm)) {
    throw signatureFailure(`The signing algorithm '${algorithm}' is not supported.`);
  }
  const der = Uint8Array.fromBase64(credential.key);
  try {
    const key = await importX509(toPem("CERTIFICATE", der), algorithm);
    await compactVerify(assertion, key);
  } catch {
    throw signatureFailure("The signature of the client assertion is invalid.");
  }
  checkAssertionClaims(claims, expected.audiences);
}

async function findCertificate(
  client: ClientApp,
  header: Record<string, unknown>,
): Promise<KeyCredentialRecord> {
  const sha256 = header["x5t#S256"];
  const sha1 = header.x5t;
  const [thumbprint, hash] = typeof sha256 === "string"
    ? [sha256, "SHA-256"]
    : typeof sha1 === "string"
    ? [sha1, "SHA-1"]
    : [undefined, undefined];
  if (!thumbprint || !hash) {
    throw signatureFailure("The client assertion header has neither an 'x5t#S256' nor an 'x5t' thumbprint.");
  }
  for (const credential of client.application?.keyCredentials ?? []) {
    if (credential.type !== "AsymmetricX509Cert") continue;
    const digest = await crypto.subtle.digest(hash, Uint8Array.fromBase64(credential.key));
    if (new Uint8Array(digest).toBase64({ alphabet: "base64url", omitPadding: true }) === thumbprint) {
      return credential;
    }
  }
  throw signatureFailure(
    `The key was not found. Thumbprint of key used by client: '${thumbprint}'. Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${client.appId}'.`,
  );
}

function checkAssertionClaims(claims: JWTPayload, audiences: readonly string[]): void {
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp !== "number") throw new EntraError(700024, { params: { reason: "No 'exp' claim." } });
  if (claims.exp <= now) {
    throw new EntraError(700024, {
      params: {
        reason: `Current time: ${new Date(now * 1000).toISOString()}, expiry time of assertion ${
          new Date(claims.exp * 1000).toISOString()
        }.`,
      },
    });
  }
  if (typeof claims.nbf === "number" && claims.nbf > now) {
    throw new EntraError(700024, { params: { reason: "The assertion is not yet valid ('nbf')." } });
  }
  if (typeof claims.aud !== "string") throw new EntraError(50027);
  if (!audiences.includes(claims.aud)) {
    throw signatureFailure(`The audience '${claims.aud}' is not the token endpoint.`);
  }
  if (typeof claims.jti !== "string" || claims.jti === "") {
    throw signatureFailure("The client assertion has no 'jti' claim.");
  }
}

function signatureFailure(reason: string): EntraError {
  return new EntraError(700027, { params: { reason: `[Reason - ${reason}]` } });
}
