/**
 * Rules Graph enforces on an API's delegated permissions (`api.oauth2PermissionScopes`) and on the
 * clients pre-authorized for them.
 */
import type { PermissionScope, PreAuthorizedApplication } from "../directory.ts";
import { badRequest } from "./directory_errors.ts";
import { GraphError } from "./graph_errors.ts";

/**
 * Throws unless `after` may replace `before`: an enabled scope may not be removed or changed, except
 * that it may be disabled (Graph: `CannotDeleteOrUpdateEnabledEntitlement`); IDs and values are unique.
 */
export function checkScopeUpdate(
  before: readonly PermissionScope[],
  after: readonly PermissionScope[],
): void {
  for (const old of before) {
    if (!old.isEnabled) continue;
    const next = after.find((s) => s.id === old.id);
    if (!next || !sameExceptEnabled(old, next)) {
      throw new GraphError(
        400,
        "CannotDeleteOrUpdateEnabledEntitlement",
        "Permission (scope or role) cannot be deleted or updated unless disabled first.",
      );
    }
  }
  const ids = new Set<string>();
  const values = new Set<string>();
  for (const scope of after) {
    const id = scope.id.toLowerCase();
    const value = scope.value.toLowerCase();
    if (ids.has(id)) throw badRequest(`Permission scope id '${scope.id}' is used more than once.`);
    if (values.has(value)) {
      throw badRequest(`Permission scope value '${scope.value}' is used more than once.`);
    }
    ids.add(id);
    values.add(value);
  }
}

/** Throws unless every pre-authorized permission ID names one of the app's scopes. */
export function checkPreAuthorizedApplications(
  scopes: readonly PermissionScope[],
  preAuthorized: readonly PreAuthorizedApplication[],
): void {
  for (const client of preAuthorized) {
    for (const id of client.delegatedPermissionIds) {
      if (!scopes.some((s) => s.id.toLowerCase() === id.toLowerCase())) {
        throw badRequest(
          `Property 'api.preAuthorizedApplications' references permission id '${id}' that is not defined in 'api.oauth2PermissionScopes'.`,
        );
      }
    }
  }
}

function sameExceptEnabled(a: PermissionScope, b: PermissionScope): boolean {
  return a.value === b.value && a.type === b.type &&
    a.adminConsentDisplayName === b.adminConsentDisplayName &&
    a.adminConsentDescription === b.adminConsentDescription &&
    a.userConsentDisplayName === b.userConsentDisplayName &&
    a.userConsentDescription === b.userConsentDescription;
}
