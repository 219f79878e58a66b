/**
 * Entra ID (ESTS) error responses: `{error, error_description: "AADSTSnnnn: … Trace ID: … Correlation ID: …
 * Timestamp: …", error_codes, timestamp, trace_id, correlation_id, error_uri}` plus `suberror`/`claims` where
 * Entra adds them. HTTP 400, except `invalid_client` (401); `Retry-After` only on 429/5xx, never on a 400
 * (MSAL throttles every user of the app when a 400 carries it).
 */

/** How Entra reports one AADSTS code. */
export interface AadstsDefinition {
  error: string;
  status: number;
  suberror?: string;
  /** Message text after `AADSTSnnnn: `; `{name}` placeholders are filled from the params. */
  message: string;
}

/** The AADSTS codes the emulator produces, with Entra's `error` value, status and message. */
export const AADSTS: Readonly<Record<number, AadstsDefinition>> = {
  28000: {
    error: "invalid_scope",
    status: 400,
    message:
      "Provided value for the input parameter scope is not valid because it contains more than one resource. Scope {scope} is not valid.",
  },
  50011: {
    error: "invalid_request",
    status: 400,
    message:
      "The redirect URI '{redirectUri}' specified in the request does not match the redirect URIs configured for the application '{appId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.",
  },
  50013: {
    error: "invalid_grant",
    status: 400,
    message: "Assertion failed signature validation. [Reason - {reason}]",
  },
  50027: {
    error: "invalid_request",
    status: 400,
    message: "JWT token is invalid or malformed.",
  },
  50076: {
    error: "invalid_grant",
    status: 400,
    suberror: "basic_action",
    message:
      "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '{resource}'.",
  },
  50079: {
    error: "invalid_grant",
    status: 400,
    suberror: "basic_action",
    message:
      "Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access '{resource}'.",
  },
  50196: {
    error: "invalid_grant",
    status: 400,
    message:
      "The server terminated an operation because it encountered a client request loop. Please contact your app vendor.",
  },
  54005: {
    error: "invalid_grant",
    status: 400,
    message:
      "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
  },
  65001: {
    error: "invalid_grant",
    status: 400,
    suberror: "consent_required",
    message:
      "The user or administrator has not consented to use the application with ID '{appId}' named '{appName}'. Send an interactive authorization request for this user and resource.",
  },
  65004: {
    error: "access_denied",
    status: 400,
    message: "User declined to consent to access the app.",
  },
  70000: {
    error: "invalid_grant",
    status: 400,
    message: "Provided grant is invalid or malformed.",
  },
  70003: {
    error: "unsupported_grant_type",
    status: 400,
    message: "The app requested an unsupported grant type '{grantType}'.",
  },
  70008: {
    error: "invalid_grant",
    status: 400,
    message:
      "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
  },
  70011: {
    error: "invalid_scope",
    status: 400,
    message: "The provided value for the input parameter 'scope' isn't valid. The scope {scope} isn't valid.",
  },
  70016: {
    error: "authorization_pending",
    status: 400,
    message: "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
  },
  70019: {
    error: "expired_token",
    status: 400,
    message: "Verification code expired.",
  },
  70020: {
    error: "bad_verification_code",
    status: 400,
    message: "The provided device code is not valid.",
  },
  90002: {
    error: "invalid_tenant",
    status: 400,
    message:
      "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.",
  },
  90033: {
    error: "temporarily_unavailable",
    status: 503,
    message: "A transient error has occurred. Please try again.",
  },
  90094: {
    error: "consent_required",
    status: 400,
    message:
      "Admin consent is required for the permissions requested by this application. An admin consent request may be sent to the admin.",
  },
  500011: {
    error: "invalid_resource",
    status: 400,
    message:
      "The resource principal named {resource} was not found in the tenant named {tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.",
  },
  500113: {
    error: "invalid_request",
    status: 400,
    message: "No reply address is registered for the application.",
  },
  500131: {
    error: "invalid_grant",
    status: 400,
    message:
      "Assertion audience does not match the Client app presenting the assertion. The audience in the assertion was '{audience}' and the expected audience is '{appId}' or one of the Application Uris of this application with App ID '{appId}'({appName}). The downstream client must request a token for the expected audience (the application that made the OBO request) and this application should use that token as the assertion.",
  },
  500133: {
    error: "invalid_grant",
    status: 400,
    message:
      "Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token. Current time: {now}, expiry time of assertion {expiry}.",
  },
  500341: {
    error: "invalid_grant",
    status: 400,
    message: "The user account {user} has been deleted from the {tenant} directory.",
  },
  501481: {
    error: "invalid_grant",
    status: 400,
    message: "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
  },
  650053: {
    error: "invalid_scope",
    status: 400,
    message:
      "The application '{appName}' asked for scope '{scope}' that doesn't exist on the resource '{resource}'. Contact the app vendor.",
  },
  700016: {
    error: "unauthorized_client",
    status: 400,
    message:
      "Application with identifier '{appId}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
  },
  700024: {
    error: "invalid_client",
    status: 401,
    message: "Client assertion is not within its valid time range. {reason}",
  },
  700027: {
    error: "invalid_client",
    status: 401,
    message: "Client assertion failed signature validation. {reason}",
  },
  700211: {
    error: "invalid_client",
    status: 401,
    message: "No matching federated identity record found for presented assertion issuer '{issuer}'.",
  },
  700212: {
    error: "invalid_client",
    status: 401,
    message: "No matching federated identity record found for presented assertion audience '{audience}'.",
  },
  700213: {
    error: "invalid_client",
    status: 401,
    message: "No matching federated identity record found for presented assertion subject '{subject}'.",
  },
  700222: {
    error: "invalid_client",
    status: 401,
    message: "The federated identity assertion could not be validated: {reason}",
  },
  900144: {
    error: "invalid_request",
    status: 400,
    message: "The request body must contain the following parameter: '{parameter}'.",
  },
  900561: {
    error: "invalid_request",
    status: 400,
    message: "The endpoint only accepts POST requests. Received a {method} request.",
  },
  7000215: {
    error: "invalid_client",
    status: 401,
    message:
      "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{appId}'.",
  },
  7000218: {
    error: "invalid_client",
    status: 401,
    message: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  },
  7000222: {
    error: "invalid_client",
    status: 401,
    message:
      "The provided client secret keys for app '{appId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.",
  },
  9010010: {
    error: "invalid_target",
    status: 400,
    message: "The resource parameter provided in the request doesn't match with the requested scopes.",
  },
  // Codes below were added for the authorize, token and device-code endpoints (identity flows).
  50048: {
    error: "invalid_client",
    status: 401,
    message: "Subject mismatches Issuer claim in the client assertion for application '{appId}'.",
  },
  70005: {
    error: "unsupported_response_type",
    status: 400,
    message: "response_type '{responseType}' is not enabled for the application.",
  },
  90100: {
    error: "invalid_request",
    status: 400,
    message: "{parameter} parameter is empty or not valid.",
  },
  501491: {
    error: "invalid_request",
    status: 400,
    message: "Invalid size of Code_Challenge parameter.",
  },
  700025: {
    error: "invalid_client",
    status: 401,
    message: "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
  },
  1002012: {
    error: "invalid_scope",
    status: 400,
    message:
      "The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).",
  },
  7000114: {
    error: "invalid_grant",
    status: 400,
    message: "Application '{appId}'({appName}) is not allowed to make application on-behalf-of calls.",
  },
  7000229: {
    error: "invalid_client",
    status: 401,
    message: "The client application {appId} is missing service principal in the tenant {tenant}.",
  },
  9002313: {
    error: "invalid_grant",
    status: 400,
    message: "Invalid request. Request is malformed or invalid.",
  },
  9002325: {
    error: "invalid_request",
    status: 400,
    message: "Proof Key for Code Exchange is required for cross-origin authorization code redemption.",
  },
};

/** Fields of an Entra error body. */
export interface EntraErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
  suberror?: string;
  claims?: string;
}

/** Options for one error instance. */
export interface EntraErrorOptions {
  params?: Record<string, string | number>;
  /** The request's `client-request-id`, echoed as the correlation ID. */
  correlationId?: string;
  /** A claims challenge (JSON text) for Conditional Access errors. */
  claims?: string;
  /** Overrides the code's usual HTTP status (fault injection). */
  status?: number;
  /** Seconds for `Retry-After`; only sent with a 429 or 5xx status. */
  retryAfter?: number;
  /** Base of `error_uri` (the authority the client called). */
  authority?: string;
}

/** Formats a time as ESTS does in error bodies: `2025-01-01 00:00:00Z`. */
export function estsTimestamp(date: Date = new Date()): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")}Z`;
}

/** Builds the JSON body for an AADSTS code. Unknown codes become `invalid_request` with a generic text. */
export function entraErrorBody(code: number, options: EntraErrorOptions = {}): EntraErrorBody {
  const definition = AADSTS[code] ?? { error: "invalid_request", status: 400, message: "Emulated failure." };
  const traceId = crypto.randomUUID();
  const correlationId = options.correlationId ?? crypto.randomUUID();
  const timestamp = estsTimestamp();
  const text = definition.message.replace(
    /\{(\w+)\}/g,
    (whole, name: string) => String(options.params?.[name] ?? whole),
  );
  const body: EntraErrorBody = {
    error: definition.error,
    error_description:
      `AADSTS${code}: ${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${options.authority ?? "https://login.microsoftonline.com"}/error?code=${code}`,
  };
  if (definition.suberror) body.suberror = definition.suberror;
  if (options.claims) body.claims = options.claims;
  return body;
}

/** An Entra error as an HTTP response with ESTS's headers. */
export function entraErrorResponse(code: number, options: EntraErrorOptions = {}): Response {
  const body = entraErrorBody(code, options);
  const status = options.status ?? AADSTS[code]?.status ?? 400;
  const headers = new Headers({
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store, no-cache",
    pragma: "no-cache",
    "x-ms-request-id": body.trace_id,
    "x-ms-ests-server": "emulator",
  });
  if (options.retryAfter !== undefined && (status === 429 || status >= 500)) {
    headers.set("retry-after", String(options.retryAfter));
  }
  return new Response(JSON.stringify(body), { status, headers });
}

/** A typed error that handlers throw to answer with an Entra error. */
export class EntraError extends Error {
  /** The AADSTS code. */
  readonly code: number;
  /** Response options (params, claims, …). */
  readonly options: EntraErrorOptions;

  constructor(code: number, options: EntraErrorOptions = {}) {
    super(`AADSTS${code}`);
    this.name = "EntraError";
    this.code = code;
    this.options = options;
  }

  /** The HTTP response for this error. */
  toResponse(extra: EntraErrorOptions = {}): Response {
    return entraErrorResponse(this.code, { ...this.options, ...extra });
  }
}
