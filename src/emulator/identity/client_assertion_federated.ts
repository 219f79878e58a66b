/**
 * Workload identity federation: a client assertion issued by an external OIDC issuer that one of the app's
 * `federatedIdentityCredentials` trusts. `iss`, `sub` and `aud` must match one credential (else AADSTS700211,
 * 700213, 700212 in that order); the signature is verified with the issuer's published keys, found through
 * its OIDC discovery document (failures: AADSTS700222; an expired assertion: AADSTS700024).
 */
import {
  createRemoteJWKSet,
  decodeJwt,
  errors,
  type JWTPayload,
  jwtVerify,
  type JWTVerifyGetKey,
} from "jose";
import type { EmulatorState } from "../state.ts";
import type { ClientApp } from "./client_app.ts";
import { EntraError } from "./entra_errors.ts";

const FETCH_TIMEOUT_MS = 3000;
const ISSUER_CACHE_MS = 60_000;

interface IssuerKeys {
  keys: JWTVerifyGetKey;
  expiresAtMs: number;
}

const issuerKeysByState = new WeakMap<EmulatorState, Map<string, IssuerKeys>>();

/** Verifies a federated client assertion for the client or throws the matching Entra error. */
export async function verifyFederatedAssertion(
  state: EmulatorState,
  assertion: string,
  expected: { client: ClientApp },
): Promise<void> {
  let claims: JWTPayload;
  try {
    claims = decodeJwt(assertion);
  } catch {
    throw new EntraError(50027);
  }
  const issuer = typeof claims.iss === "string" ? claims.iss : "";
  const audiences = typeof claims.aud === "string" ? [claims.aud] : claims.aud ?? [];
  const credentials = expected.client.application?.federatedIdentityCredentials ?? [];
  const byIssuer = credentials.filter((c) => c.issuer === issuer);
  if (byIssuer.length === 0) throw new EntraError(700211, { params: { issuer } });
  const bySubject = byIssuer.filter((c) => c.subject === claims.sub);
  if (bySubject.length === 0) throw new EntraError(700213, { params: { subject: String(claims.sub ?? "") } });
  if (!bySubject.some((c) => c.audiences.some((a) => audiences.includes(a)))) {
    throw new EntraError(700212, { params: { audience: audiences.join(", ") } });
  }
  if (typeof claims.exp !== "number") throw validationFailure("the assertion has no 'exp' claim.");
  const keys = await issuerKeys(state, issuer);
  try {
    await jwtVerify(assertion, keys, { issuer });
  } catch (error) {
    if (error instanceof errors.JWTExpired) {
      throw new EntraError(700024, { params: { reason: "The federated assertion has expired." } });
    }
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === "nbf") {
      throw new EntraError(700024, { params: { reason: "The federated assertion is not yet valid." } });
    }
    throw validationFailure(`signature verification against the keys of '${issuer}' failed.`);
  }
}

/** The issuer's key set from `{issuer}/.well-known/openid-configuration` → `jwks_uri`, cached briefly. */
async function issuerKeys(state: EmulatorState, issuer: string): Promise<JWTVerifyGetKey> {
  let cache = issuerKeysByState.get(state);
  if (!cache) issuerKeysByState.set(state, cache = new Map());
  const cached = cache.get(issuer);
  if (cached && cached.expiresAtMs > Date.now()) return cached.keys;
  const discoveryUrl = `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
  let document: Record<string, unknown>;
  try {
    if (!/^https?:$/.test(new URL(discoveryUrl).protocol)) throw new Error("not an HTTP(S) issuer");
    const response = await fetch(discoveryUrl, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status}`);
    }
    document = await response.json();
  } catch (error) {
    throw validationFailure(
      `the OIDC discovery document of '${issuer}' could not be read (${(error as Error).message}).`,
    );
  }
  if (document.issuer !== issuer || typeof document.jwks_uri !== "string") {
    throw validationFailure(`the OIDC discovery document of '${issuer}' has a wrong issuer or no jwks_uri.`);
  }
  if (!URL.canParse(document.jwks_uri)) throw validationFailure(`the jwks_uri of '${issuer}' is not a URL.`);
  const keys = createRemoteJWKSet(new URL(document.jwks_uri), {
    timeoutDuration: FETCH_TIMEOUT_MS,
    cacheMaxAge: ISSUER_CACHE_MS,
  });
  cache.set(issuer, { keys, expiresAtMs: Date.now() + ISSUER_CACHE_MS });
  return keys;
}

function validationFailure(reason: string): EntraError {
  return new EntraError(700222, { params: { reason } });
}
