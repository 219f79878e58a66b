/**
 * On-Behalf-Of (`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`, `requested_token_use=on_behalf_of`).
 * Checks, in order: the client authenticates; the assertion is a JWT signed by this tenant's published keys
 * (AADSTS50027 malformed, AADSTS50013 bad signature); it has not expired, without clock-skew grace
 * (AADSTS500133); its issuer is this tenant's v1 or v2 issuer (AADSTS50013); it is a user token, since OBO
 * needs a user (app-only assertions: AADSTS7000114, "not allowed to make application on-behalf-of calls");
 * its audience is the calling client (AADSTS500131); the scope names one resource; the user still exists
 * (AADSTS500341); the calling app has consent (AADSTS65001); Conditional Access is satisfied (AADSTS50076).
 */
import { findServicePrincipalByAppId, findUser } from "../../directory.ts";
import { type EmulatorState, v1Issuer, v2Issuer } from "../../state.ts";
import { checkTokenSignature } from "../../tokens.ts";
import { type ClientApp } from "../client_app.ts";
import { authenticateClient } from "../client_authentication.ts";
import { claimsShowMfa, requireMfaIfNeeded } from "../conditional_access.ts";
import { planDelegatedGrant, requireConsent } from "../delegated_grant.ts";
import { EntraError } from "../entra_errors.ts";
import { requiredParameter } from "../http_forms.ts";
import { checkResourceIndicator } from "../resource_app.ts";
import { parseScopes } from "../scopes.ts";
import { issueUserTokens } from "../token_response.ts";
import { type TokenRequest, wantsClientInfo } from "../token_request.ts";

/** Exchanges a user's access token for a token to a downstream API. */
export async function exchangeOnBehalfOf(
  state: EmulatorState,
  request: TokenRequest,
): Promise<Record<string, unknown>> {
  const { form } = request;
  const tokenUse = requiredParameter(form, "requested_token_use");
  if (tokenUse !== "on_behalf_of") {
    throw new EntraError(90100, { params: { parameter: "requested_token_use" } });
  }
  const assertion = requiredParameter(form, "assertion");
  const scope = requiredParameter(form, "scope");
  const { client, clientAuth } = await authenticateClient(state, request, { required: true });

  const checked = await checkTokenSignature(state, assertion, { acceptNonce: false });
  if (!checked.ok) {
    if (checked.reason === "malformed") throw new EntraError(50027);
    throw new EntraError(50013, {
      params: { reason: checked.reason === "unknown_key" ? "Key was not found." : "Signature is invalid." },
    });
  }
  const { claims } = checked;
  const now = Date.now() / 1000;
  if (typeof claims.exp !== "number" || claims.exp <= now) {
    throw new EntraError(500133, {
      params: {
        now: new Date(now * 1000).toISOString(),
        expiry: typeof claims.exp === "number" ? new Date(claims.exp * 1000).toISOString() : "(none)",
      },
    });
  }
  if (claims.iss !== v1Issuer(state) && claims.iss !== v2Issuer(state)) {
    throw new EntraError(50013, {
      params: { reason: `The issuer '${String(claims.iss)}' is not this tenant.` },
    });
  }
  if (typeof claims.scp !== "string" || typeof claims.oid !== "string" || claims.idtyp === "app") {
    throw new EntraError(7000114, { params: { appId: client.appId, appName: client.displayName } });
  }
  if (typeof claims.aud !== "string" || !clientAudiences(state, client).includes(claims.aud)) {
    throw new EntraError(500131, {
      params: { audience: String(claims.aud), appId: client.appId, appName: client.displayName },
    });
  }

  const parsed = parseScopes(state, scope, { clientName: client.displayName });
  const { resource } = parsed.target;
  checkResourceIndicator(resource, form.get("resource"));
  const user = findUser(state.directory, claims.oid);
  if (!user) {
    throw new EntraError(500341, { params: { user: claims.oid, tenant: state.directory.tenantId } });
  }
  const plan = planDelegatedGrant(state, parsed, { client, user, interactive: false });
  requireConsent(plan, { parsed, client });
  const mfa = claimsShowMfa(claims);
  requireMfaIfNeeded(state, resource, { mfa });
  return await issueUserTokens(state, {
    client,
    clientAuth,
    user,
    parsed,
    granted: plan.granted,
    mfa,
    clientInfo: wantsClientInfo(request),
    confidential: true,
  });
}

/** The identifiers an assertion's `aud` may name: the client's app ID and its identifier URIs. */
function clientAudiences(state: EmulatorState, client: ClientApp): string[] {
  const servicePrincipal = findServicePrincipalByAppId(state.directory, client.appId);
  return [
    client.appId,
    ...(client.application?.identifierUris ?? []),
    ...(servicePrincipal?.servicePrincipalNames ?? []),
  ];
}
