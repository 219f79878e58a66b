/**
 * The OAuth 2.0 On-Behalf-Of exchange (Entra `v2-oauth2-on-behalf-of-flow`): a plain form POST to
 * `{authority}/{tenant}/oauth2/v2.0/token` that trades the caller's access token for a Graph token.
 */
import type { ServerConfig } from "../config/mod.ts";
import type { Logger } from "../log/logger.ts";
import { inSpan, oboExchanges } from "../telemetry/mod.ts";
import { fetchWithRetry, retryAfterSeconds } from "../upstream/fetch_with_retry.ts";
import type { ClientCredential } from "./client_credential.ts";
import { OboError } from "./errors.ts";

/** A successful exchange. */
export interface OboResult {
  accessToken: string;
  /** Seconds the token is valid for, counted from the request. */
  expiresIn: number;
  /** Granted scopes as Entra echoed them. */
  scope: string;
}

/** Options for {@linkcode exchangeOnBehalfOf}. */
export interface OboRequestOptions {
  config: ServerConfig;
  credential: ClientCredential;
  logger: Logger;
  /** Scope to request, e.g. `https://graph.microsoft.com/.default`. */
  scope: string;
}

/** Exchanges `assertion` for a token for `options.scope`. Throws {@linkcode OboError} or `UpstreamUnreachableError`. */
export function exchangeOnBehalfOf(assertion: string, options: OboRequestOptions): Promise<OboResult> {
  return inSpan("obo.exchange", { "obo.scope": options.scope }, async (span) => {
    try {
      const result = await exchange(assertion, options);
      oboExchanges.add(1, { result: "ok" });
      return result;
    } catch (error) {
      const result = error instanceof OboError ? error.error : "unreachable";
      oboExchanges.add(1, { result });
      if (error instanceof OboError) {
        span.setAttributes({
          "obo.error": error.error,
          "obo.aadsts": error.aadsts ?? 0,
          "http.status": error.status,
        });
      }
      throw error;
    }
  });
}

async function exchange(assertion: string, options: OboRequestOptions): Promise<OboResult> {
  const { config } = options;
  const tokenEndpoint = `${config.authorityHost}/${config.tenantId}/oauth2/v2.0/token`;
  const body = new URLSearchParams({
    grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
    requested_token_use: "on_behalf_of",
    client_id: config.clientId,
    assertion,
    scope: options.scope,
    ...await options.credential.formParameters(tokenEndpoint),
  });
  const response = await fetchWithRetry(tokenEndpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body,
  }, {
    service: "Microsoft Entra ID",
    timeoutMs: config.upstreamTimeoutMs,
    onRetry: (info) => options.logger.warn("obo retry", { ...info, upstream: "entra" }),
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {
    // Throttling and gateway errors may come back as plain text.
  }
  if (response.ok && typeof json.access_token === "string") {
    const expiresIn = Number(json.expires_in);
    return {
      accessToken: json.access_token,
      expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 0,
      scope: typeof json.scope === "string" ? json.scope : "",
    };
  }
  const description = typeof json.error_description === "string"
    ? json.error_description
    : `HTTP ${response.status} from the token endpoint`;
  const codes = Array.isArray(json.error_codes) ? json.error_codes : [];
  const aadsts = typeof codes[0] === "number"
    ? codes[0]
    : Number(description.match(/AADSTS(\d+)/)?.[1]) || undefined;
  throw new OboError({
    error: typeof json.error === "string"
      ? json.error
      : response.status === 429
      ? "throttled"
      : "server_error",
    description,
    status: response.status,
    aadsts,
    suberror: typeof json.suberror === "string" ? json.suberror : undefined,
    claims: typeof json.claims === "string" ? json.claims : undefined,
    retryAfter: retryAfterSeconds(response.headers),
  });
}
