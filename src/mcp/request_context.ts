/**
 * Per-request context handed to tools through the MCP SDK's `authInfo.extra`: the verified caller, their
 * assertion (for OBO), and a slot where a tool records a challenge the HTTP layer must turn into a 401.
 */
import type { AuthInfo } from "./sdk.ts";
import type { BearerChallengeError } from "../auth/errors.ts";
import type { VerifiedIdentity } from "../auth/identity.ts";
import type { Logger } from "../log/logger.ts";

/** What a tool knows about the request it serves. */
export interface McpRequestContext {
  identity: VerifiedIdentity;
  /** The caller's access token, used only as the OBO assertion; never logged. */
  assertion: string;
  logger: Logger;
  /** Set by a tool when Entra needs the caller to sign in again (claims challenge, rejected assertion). */
  challenge?: BearerChallengeError;
}

/** Wraps a context as the SDK's `AuthInfo`. */
export function toAuthInfo(context: McpRequestContext, resource: string): AuthInfo {
  return {
    token: context.assertion,
    clientId: context.identity.clientAppId,
    scopes: context.identity.scopes,
    expiresAt: context.identity.expiresAt,
    resource: new URL(resource),
    extra: { context },
  };
}

/** The context of a tool call; throws when the request was not authenticated (never happens behind `/mcp`). */
export function contextOf(extra: { authInfo?: AuthInfo }): McpRequestContext {
  const context = extra.authInfo?.extra?.context as McpRequestContext | undefined;
  if (!context) throw new Error("tool called without an authenticated request context");
  return context;
}
