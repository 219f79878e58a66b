/**
 * Signs a demo user in through the emulator's real authorization endpoint (authorization code + PKCE, with
 * the `login_hint` shortcut) and redeems the code as the demo Client app: how `deno task demo` gets a
 * ready bearer token. Only for the emulator: real Entra shows a sign-in page instead.
 */
import type { EmulatorConfig } from "./mod.ts";

/** Tokens for the signed-in user. */
export interface DemoTokens {
  accessToken: string;
  refreshToken?: string;
  expiresIn: number;
}

/** Signs `userPrincipalName` in for the demo server's `access_as_user` scope. */
export async function signInDemoUser(config: EmulatorConfig, userPrincipalName: string): Promise<DemoTokens> {
  const verifier = crypto.getRandomValues(new Uint8Array(32)).toBase64({
    alphabet: "base64url",
    omitPadding: true,
  });
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  const redirectUri = config.client.redirectUris[0];
  const authority = `${config.authority}/${config.tenantId}/oauth2/v2.0`;
  const query = new URLSearchParams({
    response_type: "code",
    client_id: config.client.clientId,
    redirect_uri: redirectUri,
    scope: `${config.server.identifierUri}/access_as_user offline_access`,
    code_challenge: new Uint8Array(digest).toBase64({ alphabet: "base64url", omitPadding: true }),
    code_challenge_method: "S256",
    login_hint: userPrincipalName,
  });
  const redirect = await fetch(`${authority}/authorize?${query}`, { redirect: "manual" });
  await redirect.body?.cancel();
  const code = URL.parse(redirect.headers.get("location") ?? "")?.searchParams.get("code");
  if (!code) throw new Error(`the emulator did not sign ${userPrincipalName} in (HTTP ${redirect.status})`);
  const response = await fetch(`${authority}/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: config.client.clientId,
      client_secret: config.client.clientSecret,
      code,
      code_verifier: verifier,
      redirect_uri: redirectUri,
    }),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`token request failed: ${body.error_description ?? response.status}`);
  return { accessToken: body.access_token, refreshToken: body.refresh_token, expiresIn: body.expires_in };
}
