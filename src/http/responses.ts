/** Response builders shared by the HTTP routes. */
import { type BearerChallengeError } from "../auth/errors.ts";
import { bearerChallenge } from "../auth/www_authenticate.ts";
import { protectedResourceMetadataUrl, requiredScope, type ServerConfig } from "../config/mod.ts";

/** A JSON response. */
export function json(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/json");
  return new Response(JSON.stringify(body), { ...init, headers });
}

/** A JSON-RPC error response with no request id (transport-level failures). */
export function jsonRpcError(status: number, code: number, message: string, headers?: HeadersInit): Response {
  return json({ jsonrpc: "2.0", error: { code, message }, id: null }, { status, headers });
}

/** The scope to advertise in challenges: ours plus `offline_access`, so gateways get refresh tokens. */
export function advertisedScope(config: ServerConfig): string {
  return `${requiredScope(config)} offline_access`;
}

/**
 * The `WWW-Authenticate` response for an authentication failure (RFC 6750 §3, RFC 9728 §5.1): no `error`
 * attribute when no token was sent; `invalid_token`/`insufficient_scope`/`insufficient_claims` otherwise.
 */
export function challengeResponse(error: BearerChallengeError, config: ServerConfig): Response {
  const challenge = bearerChallenge([
    ["error", error.code],
    ["error_description", error.code ? error.message : undefined],
    ["resource_metadata", protectedResourceMetadataUrl(config)],
    ["scope", advertisedScope(config)],
    ["claims", error.claims === undefined ? undefined : new TextEncoder().encode(error.claims).toBase64()],
  ]);
  return json(
    { error: error.code ?? "unauthorized", error_description: error.message },
    { status: error.status, headers: { "www-authenticate": challenge, "cache-control": "no-store" } },
  );
}
