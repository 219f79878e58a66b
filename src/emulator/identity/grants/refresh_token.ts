/**
 * `grant_type=refresh_token`. Entra refresh tokens are multi-resource: `scope` may name another resource
 * (consent is checked again); without it the original scopes are used. Every redemption returns a new
 * refresh token and the old one stays valid. Unknown tokens are AADSTS9002313, expired ones AADSTS70008,
 * and a token issued to another client is `invalid_grant` AADSTS70000.
 */
import { findUser } from "../../directory.ts";
import type { EmulatorState } from "../../state.ts";
import { authenticateClient } from "../client_authentication.ts";
import { requireMfaIfNeeded } from "../conditional_access.ts";
import { planDelegatedGrant, requireConsent } from "../delegated_grant.ts";
import { EntraError } from "../entra_errors.ts";
import { requiredParameter } from "../http_forms.ts";
import { checkResourceIndicator } from "../resource_app.ts";
import { parseScopes } from "../scopes.ts";
import { issueUserTokens } from "../token_response.ts";
import { type TokenRequest, wantsClientInfo } from "../token_request.ts";

/** Redeems a refresh token. */
export async function redeemRefreshToken(
  state: EmulatorState,
  request: TokenRequest,
): Promise<Record<string, unknown>> {
  const { form } = request;
  const refreshToken = requiredParameter(form, "refresh_token");
  const grant = state.refreshTokens.get(refreshToken);
  const publicRedemption = grant?.confidential === false && grant.clientAppId === form.get("client_id");
  const { client, clientAuth } = await authenticateClient(state, request, { required: !publicRedemption });
  if (!grant) throw new EntraError(9002313);
  if (grant.clientAppId !== client.appId) throw new EntraError(70000);
  if (grant.expiresAtMs <= Date.now()) throw new EntraError(70008);
  const user = findUser(state.directory, grant.userId);
  if (!user) {
    throw new EntraError(500341, { params: { user: grant.userId, tenant: state.directory.tenantId } });
  }
  const requested = form.get("scope")?.trim() ? form.get("scope")! : grant.scopes.join(" ");
  const parsed = parseScopes(state, requested, { clientName: client.displayName });
  // The refresh token already carries offline_access; the new one is issued whatever `scope` says.
  if (!parsed.oidc.includes("offline_access")) {
    parsed.oidc.push("offline_access");
    parsed.raw.push("offline_access");
  }
  const { resource } = parsed.target;
  checkResourceIndicator(resource, form.get("resource"));
  const plan = planDelegatedGrant(state, parsed, { client, user, interactive: false });
  requireConsent(plan, { parsed, client });
  requireMfaIfNeeded(state, resource, { mfa: grant.mfa });
  return await issueUserTokens(state, {
    client,
    clientAuth,
    user,
    parsed,
    granted: plan.granted,
    mfa: grant.mfa,
    clientInfo: wantsClientInfo(request),
    confidential: grant.confidential,
  });
}
