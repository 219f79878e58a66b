/**
 * The emulated Conditional Access policy: when `state.mfaRequired` is on, tokens for Microsoft Graph need
 * a sign-in that performed multi-factor authentication. Non-interactive grants without it get AADSTS50076
 * with a claims challenge naming the policy, which the client replays on a new authorization request.
 */
import type { EmulatorState } from "../state.ts";
import { GRAPH_APP_ID } from "../well_known.ts";
import { EntraError } from "./entra_errors.ts";
import type { ResourceApp } from "./resource_app.ts";

/** Object ID of the emulated "require MFA for Microsoft Graph" policy, as it appears in `capolids`. */
export const MFA_POLICY_ID = "a6cf2bd1-0b8e-4e4c-9a61-5c3f2e7d8b90";

/** The claims challenge Entra returns with AADSTS50076 for this policy. */
export function mfaClaimsChallenge(): string {
  return JSON.stringify({ access_token: { capolids: { essential: true, values: [MFA_POLICY_ID] } } });
}

/** Whether token claims show MFA: v1 `amr` contains "mfa"; v2 `acrs` contains "c1". */
export function claimsShowMfa(claims: Record<string, unknown>): boolean {
  const amr = claims.amr;
  const acrs = claims.acrs;
  return (Array.isArray(amr) && amr.includes("mfa")) || (Array.isArray(acrs) && acrs.includes("c1"));
}

/** Whether an interactive sign-in for this resource performs MFA (policy in force, or a claims challenge). */
export function interactiveSignInPerformsMfa(
  state: EmulatorState,
  resource: ResourceApp,
  signIn: { claimsRequested: boolean },
): boolean {
  return signIn.claimsRequested || (state.mfaRequired && resource.isGraph);
}

/** Throws AADSTS50076 when the policy applies to the resource and the grant carries no MFA. */
export function requireMfaIfNeeded(
  state: EmulatorState,
  resource: ResourceApp,
  grant: { mfa: boolean },
): void {
  if (state.mfaRequired && resource.isGraph && !grant.mfa) {
    throw new EntraError(50076, { params: { resource: GRAPH_APP_ID }, claims: mfaClaimsChallenge() });
  }
}
