/** Typed errors of bearer-token authentication, carrying the RFC 6750 error code and HTTP status. */

/** A failure that becomes a `WWW-Authenticate: Bearer …` challenge. */
export class BearerChallengeError extends Error {
  /** RFC 6750 §3.1 error code; absent when the request simply had no token. */
  readonly code?: "invalid_request" | "invalid_token" | "insufficient_scope" | "insufficient_claims";
  /** HTTP status to answer with. */
  readonly status: 400 | 401 | 403;
  /** Claims challenge (JSON), base64-encoded into the header, for `insufficient_claims`. */
  readonly claims?: string;

  constructor(
    status: 400 | 401 | 403,
    code: BearerChallengeError["code"],
    description: string,
    options: { claims?: string } = {},
  ) {
    super(description);
    this.name = "BearerChallengeError";
    this.status = status;
    this.code = code;
    this.claims = options.claims;
  }
}

/** No bearer token was sent: 401 without an `error` attribute (RFC 6750 §3.1). */
export class MissingTokenError extends BearerChallengeError {
  constructor() {
    super(401, undefined, "authentication required");
    this.name = "MissingTokenError";
  }
}

/** The token is malformed, expired, for someone else, or not verifiable: 401 `invalid_token`. */
export class InvalidTokenError extends BearerChallengeError {
  constructor(description: string) {
    super(401, "invalid_token", description);
    this.name = "InvalidTokenError";
  }
}

/** The token is valid but lacks the required scope: 403 `insufficient_scope`. */
export class InsufficientScopeError extends BearerChallengeError {
  constructor(description: string) {
    super(403, "insufficient_scope", description);
    this.name = "InsufficientScopeError";
  }
}

/** Entra needs more claims (MFA / Conditional Access): 401 `insufficient_claims` with the challenge. */
export class InsufficientClaimsError extends BearerChallengeError {
  constructor(description: string, claims: string) {
    super(401, "insufficient_claims", description, { claims });
    this.name = "InsufficientClaimsError";
  }
}

/** Entra's metadata or keys cannot be fetched right now: tokens cannot be checked (503, retry later). */
export class AuthUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AuthUnavailableError";
  }
}
