/** Deciding which delegated scopes go into a user token, and which still need consent. */
import type { DirectoryUser } from "../directory.ts";
import type { EmulatorState } from "../state.ts";
import { OIDC_SCOPES } from "../well_known.ts";
import type { ClientApp } from "./client_app.ts";
import { availableScopes, declaredScopes } from "./consent.ts";
import { EntraError } from "./entra_errors.ts";
import type { ParsedScopes } from "./scopes.ts";

/** The outcome for one request: scopes for `scp`, and scopes the user has not consented to. */
export interface DelegatedGrantPlan {
  /** Short names for `scp`, in the order the resource defines them. */
  granted: string[];
  /** Requested (or, for an interactive `.default`, declared) scopes without consent. */
  missing: string[];
}

/**
 * Plans a user token. `.default` means every available scope; interactively (authorize, device login) it also
 * includes the client's declared permissions, which the user is then asked to consent to.
 */
export function planDelegatedGrant(
  state: EmulatorState,
  parsed: ParsedScopes,
  request: { client: ClientApp; user: DirectoryUser; interactive: boolean },
): DelegatedGrantPlan {
  const { resource } = parsed.target;
  const subject = { client: request.client, resource, user: request.user };
  const available = availableScopes(state, subject);
  let wanted: string[];
  if (parsed.oidcOnly) {
    // A sign-in without API scopes gets a Graph token; Entra includes User.Read when it is consented.
    wanted = available.has("User.Read") ? ["User.Read"] : [];
  } else if (parsed.target.isDefault) {
    wanted = [...available, ...(request.interactive ? declaredScopes(subject) : [])];
  } else {
    wanted = parsed.target.values;
  }
  const order = resource.scopes.map((s) => s.value);
  const unique = [...new Set(wanted)].filter((value) => !OIDC_SCOPES.has(value))
    .sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return {
    granted: unique.filter((value) => available.has(value)),
    missing: unique.filter((value) => !available.has(value)),
  };
}

/** Throws AADSTS65001 (`consent_required`) when a non-interactive grant lacks consent. */
export function requireConsent(
  plan: DelegatedGrantPlan,
  request: { parsed: ParsedScopes; client: ClientApp },
): void {
  const { parsed, client } = request;
  if (plan.missing.length > 0 || (plan.granted.length === 0 && !parsed.oidcOnly)) {
    throw new EntraError(65001, { params: { appId: client.appId, appName: client.displayName } });
  }
}
