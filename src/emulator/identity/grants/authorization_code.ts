/**
 * `grant_type=authorization_code`: redeems a code from the authorize endpoint. The code is single use
 * (AADSTS54005), expires (AADSTS70008), and is bound to the client (else AADSTS70000), the redirect URI
 * (AADSTS50011) and the PKCE challenge (AADSTS501481). Codes from public-client redirect URIs are redeemed
 * without a client credential; codes from Web redirect URIs need one (AADSTS7000218).
 */
import { findUser } from "../../directory.ts";
import type { EmulatorState } from "../../state.ts";
import { authenticateClient } from "../client_authentication.ts";
import { planDelegatedGrant, requireConsent } from "../delegated_grant.ts";
import { EntraError } from "../entra_errors.ts";
import { requiredParameter } from "../http_forms.ts";
import { pkceMatches } from "../pkce.ts";
import { checkResourceIndicator } from "../resource_app.ts";
import { parseScopes } from "../scopes.ts";
import { issueUserTokens } from "../token_response.ts";
import { type TokenRequest, wantsClientInfo } from "../token_request.ts";

/** Redeems an authorization code for tokens. */
export async function redeemAuthorizationCode(
  state: EmulatorState,
  request: TokenRequest,
): Promise<Record<string, unknown>> {
  const { form } = request;
  const code = requiredParameter(form, "code");
  const redirectUri = requiredParameter(form, "redirect_uri");
  const grant = state.authorizationCodes.get(code);
  const publicRedemption = grant?.publicClient === true && grant.clientAppId === form.get("client_id");
  const { client, clientAuth } = await authenticateClient(state, request, { required: !publicRedemption });
  if (!grant || grant.clientAppId !== client.appId) throw new EntraError(70000);
  if (grant.redeemed) throw new EntraError(54005);
  if (grant.expiresAtMs <= Date.now()) throw new EntraError(70008);
  // Any redemption attempt by the right client uses the code up, including one that fails below.
  grant.redeemed = true;
  if (redirectUri !== grant.redirectUri) {
    throw new EntraError(50011, { params: { redirectUri, appId: client.appId } });
  }
  const challenge = grant.codeChallenge
    ? {
      challenge: grant.codeChallenge,
      method: grant.codeChallengeMethod === "S256" ? "S256" as const : "plain" as const,
    }
    : undefined;
  if (!await pkceMatches(challenge, form.get("code_verifier"))) throw new EntraError(501481);
  const user = findUser(state.directory, grant.userId);
  if (!user) {
    throw new EntraError(500341, { params: { user: grant.userId, tenant: state.directory.tenantId } });
  }
  const parsed = parseScopes(state, grant.scopes.join(" "), { clientName: client.displayName });
  checkResourceIndicator(parsed.target.resource, form.get("resource"));
  const plan = planDelegatedGrant(state, parsed, { client, user, interactive: false });
  requireConsent(plan, { parsed, client });
  return await issueUserTokens(state, {
    client,
    clientAuth,
    user,
    parsed,
    granted: plan.granted,
    mfa: grant.mfa,
    nonce: grant.nonce,
    clientInfo: wantsClientInfo(request),
    confidential: clientAuth !== "0",
  });
}
