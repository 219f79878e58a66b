/**
 * `grant_type=client_credentials`: an app-only token. The scope must be exactly `{resource}/.default`
 * (AADSTS1002012 otherwise); the token has no `scp`, `oid`/`sub` are the client's service principal, and
 * `roles` would list assigned app roles (the emulator has no app role assignments, so it is omitted).
 * No refresh token, and no `scope` in the response, as on Entra.
 */
import { findServicePrincipalByAppId } from "../../directory.ts";
import type { EmulatorState } from "../../state.ts";
import { mintAccessToken } from "../../tokens.ts";
import { authenticateClient } from "../client_authentication.ts";
import { EntraError } from "../entra_errors.ts";
import { requiredParameter } from "../http_forms.ts";
import { checkResourceIndicator, findResourceApp, v1Audience } from "../resource_app.ts";
import type { TokenRequest } from "../token_request.ts";

const DEFAULT_SUFFIX = "/.default";

/** Issues an app-only access token. */
export async function issueClientCredentialsToken(
  state: EmulatorState,
  request: TokenRequest,
): Promise<Record<string, unknown>> {
  const { client, clientAuth } = await authenticateClient(state, request, { required: true });
  const scope = requiredParameter(request.form, "scope");
  const tokens = scope.split(" ").filter(Boolean);
  if (tokens.length !== 1 || !tokens[0].endsWith(DEFAULT_SUFFIX) || tokens[0] === DEFAULT_SUFFIX) {
    throw new EntraError(1002012, { params: { scope } });
  }
  const named = tokens[0].slice(0, -DEFAULT_SUFFIX.length);
  const resource = findResourceApp(state, named);
  if (!resource) {
    throw new EntraError(500011, { params: { resource: named, tenant: state.directory.tenantId } });
  }
  checkResourceIndicator(resource, request.form.get("resource"));
  const servicePrincipal = findServicePrincipalByAppId(state.directory, client.appId);
  if (!servicePrincipal) {
    throw new EntraError(7000229, { params: { appId: client.appId, tenant: state.directory.tenantId } });
  }
  const access = await mintAccessToken(state, {
    clientAppId: client.appId,
    clientAuth,
    resourceAppId: resource.appId,
    audience: v1Audience(state, { resource, named }),
    version: resource.tokenVersion,
    clientServicePrincipalId: servicePrincipal.id,
  });
  return {
    token_type: "Bearer",
    expires_in: access.expiresIn,
    ext_expires_in: access.expiresIn,
    access_token: access.token,
  };
}
