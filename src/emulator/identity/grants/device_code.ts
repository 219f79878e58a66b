/**
 * `grant_type=urn:ietf:params:oauth:grant-type:device_code`: polling for a device authorization (RFC 8628
 * §3.4–3.5). Pending: `authorization_pending` (AADSTS70016); polled sooner than `interval` seconds after the
 * last poll: `slow_down`, and the interval grows by 5 s; declined: `authorization_declined`; expired:
 * `expired_token` (AADSTS70019); unknown or another client's code: `bad_verification_code` (AADSTS70020).
 * Approving is signing in and consenting, so consent the approving user may give is recorded at redemption;
 * administrator-only scopes approved by a non-administrator are AADSTS65001.
 */
import { findUser } from "../../directory.ts";
import type { EmulatorState } from "../../state.ts";
import { authenticateClient } from "../client_authentication.ts";
import { interactiveSignInPerformsMfa } from "../conditional_access.ts";
import { recordUserConsent, userMayConsent } from "../consent.ts";
import { planDelegatedGrant, requireConsent } from "../delegated_grant.ts";
import { DeviceFlowError } from "../device_flow_error.ts";
import { EntraError } from "../entra_errors.ts";
import { requiredParameter } from "../http_forms.ts";
import { parseScopes } from "../scopes.ts";
import { issueUserTokens } from "../token_response.ts";
import { type TokenRequest, wantsClientInfo } from "../token_request.ts";

/** RFC 8628 §3.5: each `slow_down` adds 5 seconds to the polling interval. */
const SLOW_DOWN_STEP_SECONDS = 5;

/** Answers one poll of a device code. */
export async function redeemDeviceCode(
  state: EmulatorState,
  request: TokenRequest,
): Promise<Record<string, unknown>> {
  const deviceCode = requiredParameter(request.form, "device_code");
  const { client, clientAuth } = await authenticateClient(state, request, { required: false });
  const grant = state.deviceCodes.get(deviceCode);
  if (!grant || grant.clientAppId !== client.appId) throw new EntraError(70020);
  if (grant.status === "redeemed") throw new EntraError(70000);
  const now = Date.now();
  if (grant.expiresAtMs <= now) throw new EntraError(70019);
  const tooSoon = grant.lastPollMs !== undefined && now - grant.lastPollMs < grant.intervalSeconds * 1000;
  grant.lastPollMs = now;
  if (grant.status === "pending" && tooSoon) {
    grant.intervalSeconds += SLOW_DOWN_STEP_SECONDS;
    throw new DeviceFlowError("slow_down", 70016);
  }
  if (grant.status === "pending") throw new EntraError(70016);
  if (grant.status === "declined") throw new DeviceFlowError("authorization_declined", 65004);

  const user = grant.userId ? findUser(state.directory, grant.userId) : undefined;
  if (!user) {
    throw new EntraError(500341, { params: { user: grant.userId ?? "", tenant: state.directory.tenantId } });
  }
  const parsed = parseScopes(state, grant.scopes.join(" "), { clientName: client.displayName });
  const { resource } = parsed.target;
  let plan = planDelegatedGrant(state, parsed, { client, user, interactive: true });
  if (plan.missing.length > 0 && userMayConsent(user, { resource, values: plan.missing })) {
    recordUserConsent(state, { client, resource, user, values: plan.missing });
    plan = planDelegatedGrant(state, parsed, { client, user, interactive: true });
  }
  requireConsent(plan, { parsed, client });
  grant.status = "redeemed";
  return await issueUserTokens(state, {
    client,
    clientAuth,
    user,
    parsed,
    granted: plan.granted,
    mfa: interactiveSignInPerformsMfa(state, resource, { claimsRequested: false }),
    clientInfo: wantsClientInfo(request),
    confidential: clientAuth !== "0",
  });
}
