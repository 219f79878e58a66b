/** Building successful token responses in Entra's shape. */
import type { DirectoryUser } from "../directory.ts";
import { clientInfo, mintAccessToken, mintIdToken, opaque } from "../tokens.ts";
import type { EmulatorState } from "../state.ts";
import type { ClientApp } from "./client_app.ts";
import { pruneExpiredGrants } from "./expired_grants.ts";
import { v1Audience } from "./resource_app.ts";
import { type ParsedScopes, scopeEcho } from "./scopes.ts";

/** Entra's refresh tokens live 90 days (sliding), and stay valid after being used. */
export const REFRESH_TOKEN_LIFETIME_MS = 90 * 24 * 3600 * 1000;

/** Everything needed to issue tokens for a signed-in user. */
export interface UserTokenIssue {
  client: ClientApp;
  /** How the client authenticated: "0" public, "1" secret, "2" certificate or federated assertion. */
  clientAuth: "0" | "1" | "2";
  user: DirectoryUser;
  parsed: ParsedScopes;
  /** Short scope names for `scp`. */
  granted: string[];
  mfa: boolean;
  nonce?: string;
  /** The request had `client_info=1`. */
  clientInfo: boolean;
  /** Redeeming the refresh token will require client authentication. */
  confidential: boolean;
}

/** Mints the access token, and the refresh token (offline_access), ID token (openid) and client_info asked for. */
export async function issueUserTokens(
  state: EmulatorState,
  issue: UserTokenIssue,
): Promise<Record<string, unknown>> {
  const { client, user, parsed } = issue;
  const { resource, named } = parsed.target;
  const access = await mintAccessToken(state, {
    user,
    clientAppId: client.appId,
    clientAuth: issue.clientAuth,
    resourceAppId: resource.appId,
    audience: v1Audience(state, { resource, named }),
    version: resource.tokenVersion,
    scopes: issue.granted,
    mfa: issue.mfa,
  });
  const body: Record<string, unknown> = {
    token_type: "Bearer",
    scope: scopeEcho(parsed, issue.granted),
    expires_in: access.expiresIn,
    ext_expires_in: access.expiresIn,
    access_token: access.token,
  };
  if (parsed.oidc.includes("offline_access")) {
    pruneExpiredGrants(state.refreshTokens);
    const refreshToken = `1.${opaque(96)}`;
    state.refreshTokens.set(refreshToken, {
      userId: user.id,
      clientAppId: client.appId,
      scopes: parsed.raw,
      mfa: issue.mfa,
      confidential: issue.confidential,
      expiresAtMs: Date.now() + REFRESH_TOKEN_LIFETIME_MS,
    });
    body.refresh_token = refreshToken;
  }
  if (parsed.oidc.includes("openid")) {
    body.id_token = await mintIdToken(state, {
      user,
      clientAppId: client.appId,
      nonce: issue.nonce,
      email: parsed.oidc.includes("email"),
    });
  }
  if (issue.clientInfo) body.client_info = clientInfo(state, user.id);
  return body;
}

/** A token endpoint success response with Entra's caching headers. */
export function tokenResponse(body: Record<string, unknown>, options: { correlationId?: string }): Response {
  const headers = new Headers({
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store, no-cache",
    pragma: "no-cache",
    "x-ms-request-id": crypto.randomUUID(),
    "x-ms-ests-server": "emulator",
  });
  if (options.correlationId) headers.set("client-request-id", options.correlationId);
  return new Response(JSON.stringify(body), { status: 200, headers });
}
