/**
 * Verifies Entra ID access tokens issued for this server's app registration. Both token versions are
 * accepted because the version follows the app registration's `requestedAccessTokenVersion`, not the client:
 * v2 (`iss` = the v2 discovery issuer, `aud` = the app ID GUID) and v1 (`iss` = the v1 discovery issuer,
 * `aud` = `api://{appId}` or the GUID). RS256 only; keys only from the tenant's JWKS (`jku`, `x5u` and
 * embedded `jwk` headers are never followed). Verified tokens are cached by SHA-256 until they expire, so
 * a busy client costs one RSA verification per token, not per request.
 */
import { decodeProtectedHeader, errors as joseErrors, type JWTPayload, jwtVerify } from "jose";
import { ExpiringLruCache, sha256Base64Url } from "../cache/expiring_lru.ts";
import type { ServerConfig } from "../config/mod.ts";
import { InsufficientScopeError, InvalidTokenError } from "./errors.ts";
import type { VerifiedIdentity } from "./identity.ts";
import type { JwksSource } from "./jwks.ts";
import type { OidcMetadataSource } from "./oidc_metadata.ts";

/** The scope (short name) a caller's token must carry. */
export const REQUIRED_SCOPE = "access_as_user";

/** Tokens longer than this are refused before any parsing (Entra tokens are a few KiB). */
const MAX_TOKEN_LENGTH = 16 * 1024;

/** Options for {@linkcode AccessTokenVerifier}. */
export interface AccessTokenVerifierOptions {
  metadata: OidcMetadataSource;
  keys: JwksSource;
  /** Maximum number of verified tokens remembered (default 10,000). */
  cacheMaxEntries?: number;
}

/** Checks bearer tokens and returns who the caller is. */
export class AccessTokenVerifier {
  readonly #config: ServerConfig;
  readonly #metadata: OidcMetadataSource;
  readonly #keys: JwksSource;
  readonly #verified: ExpiringLruCache<VerifiedIdentity>;

  constructor(config: ServerConfig, options: AccessTokenVerifierOptions) {
    this.#config = config;
    this.#metadata = options.metadata;
    this.#keys = options.keys;
    this.#verified = new ExpiringLruCache(options.cacheMaxEntries ?? 10_000);
  }

  /**
   * Verifies `token`. Throws {@linkcode InvalidTokenError} (401), {@linkcode InsufficientScopeError} (403), or
   * `AuthUnavailableError` when Entra's metadata or keys cannot be loaded.
   */
  async verify(token: string): Promise<VerifiedIdentity> {
    if (token.length > MAX_TOKEN_LENGTH) throw new InvalidTokenError("the token is too large");
    const segments = token.split(".");
    if (segments.length === 5) throw new InvalidTokenError("encrypted tokens (JWE) are not accepted");
    if (segments.length !== 3 || segments.some((s) => !/^[A-Za-z0-9_-]*$/.test(s))) {
      throw new InvalidTokenError("the token is not a JWT");
    }
    const cacheKey = sha256Base64Url(token);
    const skewMs = this.#config.clockSkewSeconds * 1000;
    const cached = this.#verified.get(cacheKey, Date.now() - skewMs);
    if (cached) return cached;

    const identity = await this.#verifyUncached(token);
    // Remembered until expiry (plus the allowed skew), exactly as long as a fresh check would pass.
    this.#verified.set(cacheKey, identity, identity.expiresAt * 1000);
    return identity;
  }

  async #verifyUncached(token: string): Promise<VerifiedIdentity> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw new InvalidTokenError("the token header is not valid");
    }
    if (header.alg !== "RS256") {
      const alg = typeof header.alg === "string" && /^\w{1,16}$/.test(header.alg) ? header.alg : "unknown";
      throw new InvalidTokenError(`tokens signed with ${alg} are not accepted (RS256 only)`);
    }
    // Graph tokens carry a `nonce` header and are for Graph alone (Entra access-token docs).
    if ("nonce" in header) throw new InvalidTokenError("the token was issued for another resource");
    if (typeof header.kid !== "string" || header.kid === "") {
      throw new InvalidTokenError("the token has no key ID");
    }

    const metadata = await this.#metadata.get();
    const signingKey = await this.#keys.getKey(header.kid);
    if (!signingKey) throw new InvalidTokenError("the token was signed with an unknown key");

    let claims: JWTPayload & Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, signingKey.key, {
        algorithms: ["RS256"],
        clockTolerance: this.#config.clockSkewSeconds,
        requiredClaims: ["exp", "iss", "aud"],
      }));
    } catch (error) {
      throw new InvalidTokenError(describeJoseFailure(error));
    }

    if (claims.tid !== metadata.tenantId) {
      throw new InvalidTokenError("the token was issued by another tenant");
    }
    const version = claims.ver;
    if (version === "2.0") {
      if (claims.iss !== metadata.issuerV2) {
        throw new InvalidTokenError("the token was issued by another tenant");
      }
      if (claims.aud !== this.#config.clientId) {
        throw new InvalidTokenError("the token is for another audience");
      }
      // Entra's rollover guidance: a key's issuer template must match the token's issuer.
      const keyIssuer = signingKey.issuer?.replace("{tenantid}", String(claims.tid));
      if (keyIssuer !== undefined && keyIssuer !== claims.iss) {
        throw new InvalidTokenError("the signing key is not valid for this issuer");
      }
    } else if (version === "1.0") {
      if (claims.iss !== await this.#metadata.issuerV1()) {
        throw new InvalidTokenError("the token was issued by another tenant");
      }
      const audiences = [`api://${this.#config.clientId}`, this.#config.clientId];
      if (typeof claims.aud !== "string" || !audiences.includes(claims.aud)) {
        throw new InvalidTokenError("the token is for another audience");
      }
    } else {
      throw new InvalidTokenError("the token is not an Entra ID access token (unknown version)");
    }
    if (typeof claims.exp !== "number") throw new InvalidTokenError("the token has no expiry");

    if (typeof claims.scp !== "string") {
      const appOnly = claims.idtyp === "app" || Array.isArray(claims.roles);
      throw new InvalidTokenError(
        appOnly
          ? "app-only tokens are not accepted; a user must sign in"
          : "the token is not a delegated access token (ID tokens are not accepted)",
      );
    }
    const scopes = claims.scp.split(" ").filter((s) => s !== "");
    if (!scopes.includes(REQUIRED_SCOPE)) {
      throw new InsufficientScopeError(`the token lacks the ${REQUIRED_SCOPE} scope`);
    }
    if (typeof claims.oid !== "string" || claims.oid === "") {
      throw new InvalidTokenError("the token has no user");
    }

    const username = [claims.preferred_username, claims.upn, claims.unique_name].find((v) =>
      typeof v === "string"
    );
    return {
      objectId: claims.oid,
      tenantId: metadata.tenantId,
      name: typeof claims.name === "string" ? claims.name : undefined,
      username: username as string | undefined,
      clientAppId: String(version === "2.0" ? claims.azp : claims.appid),
      scopes,
      tokenVersion: version,
      expiresAt: claims.exp,
      userHash: sha256Base64Url(`${metadata.tenantId}/${claims.oid}`).slice(0, 16),
    };
  }
}

function describeJoseFailure(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return "the token has expired";
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return error.claim === "nbf"
      ? "the token is not valid yet"
      : `the token's ${error.claim} claim is not valid`;
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return "the token signature is not valid";
  return "the token could not be verified";
}
