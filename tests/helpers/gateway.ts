/**
 * A gateway that signs users in the way Obot does (its documented behaviour in
 * shared/reference/obot-client-behavior.md): probe `initialize` with no headers, read `resource_metadata`
 * and `scope` from the 401, fetch the PRM, try the three AS-metadata URLs in Obot's order, authorize with
 * PKCE S256 and the static client, exchange the code with the first advertised auth method, no `resource`.
 */
import assert from "node:assert/strict";
import type { EmulatorHandle } from "../../src/emulator/mod.ts";

/** Tokens a gateway holds for one user. */
export interface GatewayTokens {
  accessToken: string;
  refreshToken?: string;
  scope: string;
  expiresIn: number;
}

/** What discovery found. */
export interface GatewayDiscovery {
  resourceMetadataUrl: string;
  scope: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  authMethod: string;
  /** Status codes of the AS metadata URLs, in the order tried. */
  metadataStatuses: number[];
}

/** Discovers the server's auth requirements as Obot does. */
export async function discover(mcpUrl: string): Promise<GatewayDiscovery> {
  const probe = await fetch(mcpUrl, {
    method: "POST",
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "obot", version: "0" } },
    }),
  });
  await probe.body?.cancel();
  assert.equal(probe.status, 401, "the first unauthenticated initialize must be challenged");
  const header = probe.headers.get("www-authenticate") ?? "";
  const resourceMetadataUrl = header.match(/resource_metadata="([^"]*)"/)?.[1];
  const scope = header.match(/scope="([^"]*)"/)?.[1];
  assert.ok(resourceMetadataUrl && scope, `challenge without resource_metadata/scope: ${header}`);
  const prm = await (await fetch(resourceMetadataUrl, { headers: { accept: "application/json" } })).json();
  const issuer = String(prm.authorization_servers[0]).replace(/\/$/, "");
  const { origin, pathname } = new URL(issuer);
  const candidates = [
    `${origin}/.well-known/oauth-authorization-server${pathname}`,
    `${origin}/.well-known/openid-configuration${pathname}`,
    `${issuer}/.well-known/openid-configuration`,
  ];
  const metadataStatuses: number[] = [];
  let metadata: Record<string, unknown> | undefined;
  for (const url of candidates) {
    const response = await fetch(url);
    metadataStatuses.push(response.status);
    if (response.status >= 400 && response.status < 500) {
      await response.body?.cancel();
      continue;
    }
    metadata = await response.json();
    break;
  }
  assert.ok(metadata, "no authorization server metadata found");
  return {
    resourceMetadataUrl,
    scope,
    authorizationEndpoint: String(metadata.authorization_endpoint),
    tokenEndpoint: String(metadata.token_endpoint),
    authMethod: (metadata.token_endpoint_auth_methods_supported as string[])[0],
    metadataStatuses,
  };
}

/** Signs `userPrincipalName` in through the emulator (login_hint) and returns the gateway's tokens. */
export async function signIn(
  emulator: EmulatorHandle,
  discovery: GatewayDiscovery,
  userPrincipalName: string,
  extraParameters: Record<string, string> = {},
): Promise<GatewayTokens> {
  const verifier = crypto.getRandomValues(new Uint8Array(32)).toBase64({
    alphabet: "base64url",
    omitPadding: true,
  });
  const challenge = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)))
    .toBase64({ alphabet: "base64url", omitPadding: true });
  const redirectUri = "http://localhost:8080/oauth/mcp/callback";
  const state = crypto.randomUUID();
  const authorize = new URL(discovery.authorizationEndpoint);
  authorize.search = new URLSearchParams({
    response_type: "code",
    client_id: emulator.config.client.clientId,
    redirect_uri: redirectUri,
    scope: discovery.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
    access_type: "offline",
    login_hint: userPrincipalName,
    ...extraParameters,
  }).toString();
  const redirect = await fetch(authorize, { redirect: "manual" });
  await redirect.body?.cancel();
  assert.equal(redirect.status, 302);
  const callback = new URL(redirect.headers.get("location")!);
  assert.equal(callback.searchParams.get("state"), state);
  const code = callback.searchParams.get("code");
  assert.ok(code, `no code: ${callback.search}`);
  assert.equal(discovery.authMethod, "client_secret_post", "Obot uses the first advertised method");
  return await redeem(emulator, discovery, {
    grant_type: "authorization_code",
    code,
    code_verifier: verifier,
    redirect_uri: redirectUri,
  });
}

/** POSTs a grant to the token endpoint with the static client's secret in the body (client_secret_post). */
async function redeem(
  emulator: EmulatorHandle,
  discovery: GatewayDiscovery,
  grant: Record<string, string>,
): Promise<GatewayTokens> {
  const response = await fetch(discovery.tokenEndpoint, {
    method: "POST",
    body: new URLSearchParams({
      ...grant,
      client_id: emulator.config.client.clientId,
      client_secret: emulator.config.client.clientSecret,
    }),
  });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    scope: body.scope,
    expiresIn: body.expires_in,
  };
}

/** Refreshes as Obot does: no `scope`, no `resource`. */
export async function refresh(
  emulator: EmulatorHandle,
  discovery: GatewayDiscovery,
  refreshToken: string,
): Promise<GatewayTokens> {
  return await redeem(emulator, discovery, { grant_type: "refresh_token", refresh_token: refreshToken });
}

/** The emulator's request counters. */
export async function emulatorStats(emulator: EmulatorHandle): Promise<Record<string, number>> {
  return (await (await fetch(`${emulator.url}/_emulator/stats`)).json()).requests;
}

/** Discovers the server and signs the `userIndex`-th demo user in: the token a gateway would send. */
export async function gatewayToken(emulator: EmulatorHandle, mcpUrl: string, userIndex = 0): Promise<string> {
  const discovery = await discover(mcpUrl);
  return (await signIn(emulator, discovery, emulator.config.users[userIndex].userPrincipalName)).accessToken;
}
