/**
 * Delegated consent: which scopes of a resource a client may get for a user. A scope is available when the
 * resource pre-authorizes the client for it (`api.preAuthorizedApplications`), or an `oauth2PermissionGrant`
 * from the client's service principal to the resource's covers it (AllPrincipals, or Principal for the user).
 * Declaring a permission in `requiredResourceAccess` is not consent.
 */
import {
  consentedScopes,
  type DirectoryUser,
  permissionGrantId,
  type PermissionScope,
  type ServicePrincipalRecord,
} from "../directory.ts";
import type { EmulatorState } from "../state.ts";
import { OIDC_SCOPES } from "../well_known.ts";
import type { ClientApp } from "./client_app.ts";
import type { ResourceApp } from "./resource_app.ts";

/** Who asks for what. */
export interface ConsentSubject {
  client: ClientApp;
  resource: ResourceApp;
  user?: DirectoryUser;
}

function enabledScope(resource: ResourceApp, value: string): PermissionScope | undefined {
  return resource.scopes.find((s) => s.value === value && s.isEnabled);
}

/** Scope values the client may get on the resource for the user (enabled, exposed scopes only). */
export function availableScopes(state: EmulatorState, subject: ConsentSubject): Set<string> {
  const { client, resource, user } = subject;
  const values = new Set<string>();
  const preAuthorized = resource.preAuthorizedApplications.find((p) => p.appId === client.appId);
  for (const id of preAuthorized?.delegatedPermissionIds ?? []) {
    const scope = resource.scopes.find((s) => s.id === id);
    if (scope) values.add(scope.value);
  }
  if (client.servicePrincipal) {
    const granted = consentedScopes(state.directory, {
      clientSpId: client.servicePrincipal.id,
      resourceSpId: resource.servicePrincipal.id,
      userId: user?.id,
    });
    for (const value of granted) values.add(value);
  }
  const available = new Set<string>();
  for (const value of values) {
    const scope = enabledScope(resource, value);
    if (!scope) continue;
    // First-party tools are pre-consented tenant-wide; the user's directory role still limits
    // administrator-only permissions, as with Directory.AccessAsUser.All.
    if (client.firstParty && scope.type === "Admin" && !user?.admin) continue;
    available.add(value);
  }
  return available;
}

/** Scope values the client declares for the resource in `requiredResourceAccess` (its static permissions). */
export function declaredScopes(subject: ConsentSubject): string[] {
  const declared = subject.client.application?.requiredResourceAccess
    .find((r) => r.resourceAppId === subject.resource.appId)?.resourceAccess ?? [];
  return declared
    .filter((access) => access.type === "Scope")
    .map((access) => subject.resource.scopes.find((s) => s.id === access.id && s.isEnabled)?.value)
    .filter((value): value is string => value !== undefined && !OIDC_SCOPES.has(value));
}

/** Whether the user may consent to these scopes: "Admin" scopes need an administrator (else AADSTS90094). */
export function userMayConsent(
  user: DirectoryUser,
  request: { resource: ResourceApp; values: readonly string[] },
): boolean {
  const { resource, values } = request;
  return user.admin || values.every((value) => enabledScope(resource, value)?.type !== "Admin");
}

/** Records the user's consent as a `Principal` grant, merging into an existing one for the same user. */
export function recordUserConsent(
  state: EmulatorState,
  consent: Required<ConsentSubject> & { values: readonly string[] },
): void {
  const { client, resource, user, values } = consent;
  const clientSp = ensureClientServicePrincipal(state, client);
  const grants = state.directory.permissionGrants;
  const existing = grants.find((g) =>
    g.clientId === clientSp.id && g.resourceId === resource.servicePrincipal.id &&
    g.consentType === "Principal" && g.principalId === user.id
  );
  if (existing) {
    const merged = new Set([...existing.scope.split(" ").filter(Boolean), ...values]);
    existing.scope = [...merged].join(" ");
    return;
  }
  grants.push({
    id: permissionGrantId(clientSp.id, resource.servicePrincipal.id, user.id),
    clientId: clientSp.id,
    consentType: "Principal",
    principalId: user.id,
    resourceId: resource.servicePrincipal.id,
    scope: values.join(" "),
  });
}

/** Entra creates the client's service principal in the tenant on first consent if it has none yet. */
function ensureClientServicePrincipal(state: EmulatorState, client: ClientApp): ServicePrincipalRecord {
  if (client.servicePrincipal) return client.servicePrincipal;
  const app = client.application!;
  const servicePrincipal: ServicePrincipalRecord = {
    id: crypto.randomUUID(),
    appId: app.appId,
    displayName: app.displayName,
    servicePrincipalNames: [app.appId, ...app.identifierUris],
    oauth2PermissionScopes: structuredClone(app.api.oauth2PermissionScopes),
    appOwnerOrganizationId: state.directory.tenantId,
    servicePrincipalType: "Application",
    accountEnabled: true,
    replicatedAtMs: Date.now(),
  };
  state.directory.servicePrincipals.push(servicePrincipal);
  client.servicePrincipal = servicePrincipal;
  return servicePrincipal;
}
