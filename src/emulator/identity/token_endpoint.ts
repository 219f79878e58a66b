/**
 * `POST /{tenant}/oauth2/v2.0/token`. The request is counted under `token:<grant>` (and injected faults
 * applied) as soon as the grant type is known. Query strings (msal-node's `?client-request-id=`) are
 * accepted and ignored; the `client-request-id` header is echoed as `correlation_id`.
 */
import type { RouteContext } from "../router.ts";
import { EntraError } from "./entra_errors.ts";
import { redeemAuthorizationCode } from "./grants/authorization_code.ts";
import { issueClientCredentialsToken } from "./grants/client_credentials.ts";
import { redeemDeviceCode } from "./grants/device_code.ts";
import { exchangeOnBehalfOf } from "./grants/on_behalf_of.ts";
import { redeemRefreshToken } from "./grants/refresh_token.ts";
import { clientRequestId, readFormBody } from "./http_forms.ts";
import { resolveTenant } from "./tenant.ts";
import { tokenResponse } from "./token_response.ts";
import type { GrantHandler, TokenRequest } from "./token_request.ts";

/** Grant types by their `grant_type` value, with the short name used in stats keys. */
const GRANTS: Readonly<Record<string, { key: string; handle: GrantHandler }>> = {
  authorization_code: { key: "authorization_code", handle: redeemAuthorizationCode },
  refresh_token: { key: "refresh_token", handle: redeemRefreshToken },
  client_credentials: { key: "client_credentials", handle: issueClientCredentialsToken },
  "urn:ietf:params:oauth:grant-type:jwt-bearer": { key: "jwt-bearer", handle: exchangeOnBehalfOf },
  "urn:ietf:params:oauth:grant-type:device_code": { key: "device_code", handle: redeemDeviceCode },
};

/** Handles the token endpoint. */
export async function handleTokenRequest(request: Request, context: RouteContext): Promise<Response> {
  const { state, url } = context;
  const correlationId = clientRequestId(request, url);
  try {
    resolveTenant(state, context.params.tenant);
    if (request.method !== "POST") throw new EntraError(900561, { params: { method: request.method } });
    const form = await readFormBody(request);
    const grantType = form.get("grant_type");
    if (!grantType) throw new EntraError(900144, { params: { parameter: "grant_type" } });
    const grant = Object.hasOwn(GRANTS, grantType) ? GRANTS[grantType] : undefined;
    if (!grant) throw new EntraError(70003, { params: { grantType } });
    const faulted = await context.instrument(`token:${grant.key}`);
    if (faulted) return faulted;
    const tokenRequest: TokenRequest = { form, headers: request.headers, url, correlationId };
    return tokenResponse(await grant.handle(state, tokenRequest), { correlationId });
  } catch (error) {
    if (error instanceof EntraError) return error.toResponse({ correlationId });
    throw error;
  }
}
