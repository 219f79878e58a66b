/**
 * Turns failures of the OBO exchange and of Graph calls into tool results a person can act on
 * (`isError: true`), the log line an operator needs, and — where the caller must sign in again — a
 * challenge the HTTP layer answers with 401 so a capable client can re-authenticate or step up.
 */
import type { CallToolResult } from "./sdk.ts";
import { InsufficientClaimsError, InvalidTokenError } from "../auth/errors.ts";
import type { ServerConfig } from "../config/mod.ts";
import { GraphApiError } from "../graph/errors.ts";
import type { ServerHealth } from "../health/server_health.ts";
import { OboError } from "../obo/errors.ts";
import { UpstreamUnreachableError } from "../upstream/fetch_with_retry.ts";
import type { McpRequestContext } from "./request_context.ts";

/** AADSTS codes meaning Entra rejected the server's own credential or registration. */
const CREDENTIAL_CODES = new Set([
  7000215,
  7000222,
  7000218,
  700016,
  700024,
  700027,
  700211,
  700212,
  700213,
  700222,
]);
/** AADSTS codes meaning the caller's token is no longer usable as an assertion. */
const ASSERTION_CODES = new Set([500133, 500131, 50013, 50027, 500341]);
/** AADSTS codes of Conditional Access / MFA challenges. */
const CLAIMS_CODES = new Set([50076, 50079]);

/** What a tool needs to describe a failure. */
export interface FailureDependencies {
  config: ServerConfig;
  health: ServerHealth;
}

/** The admin-consent URL for this tenant and app (Entra `v2-admin-consent`, v1 form needs no redirect URI). */
export function adminConsentUrl(config: ServerConfig): string {
  return `${config.authorityHost}/${config.tenantId}/adminconsent?client_id=${config.clientId}`;
}

/** Describes `error` as a tool result, logging it once and recording a challenge when one applies. */
export function toolFailure(
  error: unknown,
  context: McpRequestContext,
  dependencies: FailureDependencies,
): CallToolResult {
  const text = describe(error, context, dependencies);
  return { isError: true, content: [{ type: "text", text }] };
}

function describe(
  error: unknown,
  context: McpRequestContext,
  { config, health }: FailureDependencies,
): string {
  const { logger } = context;
  if (error instanceof OboError) {
    const code = error.aadsts;
    const fields = { aadsts: code, error: error.error, suberror: error.suberror, status: error.status };
    if (code === 65001 || error.suberror === "consent_required") {
      // Logged once per incident by the OBO failure memory; per call only at debug level.
      logger.debug("obo failed: admin consent missing", fields);
      return `Microsoft Graph access needs admin consent for this server's app registration (AADSTS65001). ` +
        `An administrator can grant it here: ${adminConsentUrl(config)}`;
    }
    if ((code !== undefined && CLAIMS_CODES.has(code)) || error.suberror === "basic_action") {
      logger.info("obo needs step-up authentication", fields);
      if (error.claims) {
        context.challenge = new InsufficientClaimsError(
          "Microsoft Entra ID requires additional authentication (multi-factor) for Microsoft Graph",
          error.claims,
        );
      }
      return `Microsoft Entra ID requires multi-factor authentication (Conditional Access, AADSTS${code}) ` +
        `before this server may read Microsoft Graph for you. Sign in again and complete the MFA prompt.`;
    }
    if (code !== undefined && ASSERTION_CODES.has(code)) {
      logger.info("obo rejected the caller's token", fields);
      context.challenge = new InvalidTokenError(
        `Microsoft Entra ID no longer accepts this token (AADSTS${code})`,
      );
      return `Your sign-in is no longer accepted by Microsoft Entra ID (AADSTS${code}); sign in again.`;
    }
    if (error.error === "invalid_client" || (code !== undefined && CREDENTIAL_CODES.has(code))) {
      const detail = `AADSTS${code ?? "?"} ${error.error}`;
      health.credentialRejected(detail);
      logger.debug("obo failed: server credential rejected", fields);
      return `The MCP server is misconfigured: Microsoft Entra ID rejected its own credentials (${detail}). ` +
        `An administrator must fix the server's client secret, certificate or app registration.`;
    }
    if (error.status === 429 || error.status >= 500) {
      logger.warn("obo failed: Entra unavailable", fields);
      return `Microsoft Entra ID is busy or unavailable (HTTP ${error.status}); try again in ${
        error.retryAfter ?? 30
      } seconds.`;
    }
    logger.warn("obo failed", { ...fields, description: error.message });
    return `Microsoft Entra ID refused the token exchange (${error.error}${code ? `, AADSTS${code}` : ""}).`;
  }
  if (error instanceof GraphApiError) {
    const fields = { status: error.status, code: error.code, request_id: error.requestId };
    logger.warn("graph call failed", fields);
    if (error.status === 401) return `Microsoft Graph did not accept the token (${error.code}); try again.`;
    if (error.status === 403) {
      return `Microsoft Graph denied access (${error.code}): the server's app registration needs the ` +
        `delegated permission for this tool, with admin consent.`;
    }
    if (error.status === 404) return `Microsoft Graph found no such data for this user (${error.code}).`;
    if (error.status === 429 || error.status >= 500) {
      return `Microsoft Graph is busy or unavailable (HTTP ${error.status}); try again in ${
        error.retryAfter ?? 30
      } seconds.`;
    }
    return `Microsoft Graph answered with an error (${error.code}).`;
  }
  if (error instanceof UpstreamUnreachableError) {
    logger.warn("upstream unreachable", { error: error.message, timed_out: error.timedOut });
    return `${
      error.timedOut ? "Timed out waiting for" : "Could not reach"
    } ${error.service}; try again shortly.`;
  }
  logger.error("tool failed unexpectedly", { error: error instanceof Error ? error.message : String(error) });
  return "The tool failed unexpectedly; the server log has the details.";
}
