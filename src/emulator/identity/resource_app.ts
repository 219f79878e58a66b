/**
 * The resource (API) a scope or `resource` parameter names: found by application ID, identifier URI or
 * service principal name. Microsoft Graph is also reachable by the emulator's own origin, because servers
 * derive their Graph scope from their Graph base URL, which points at the emulator.
 */
import {
  type ApplicationRecord,
  findApplicationByAppId,
  findResourceServicePrincipal,
  findServicePrincipalByAppId,
  type PermissionScope,
  type PreAuthorizedApplication,
  type ServicePrincipalRecord,
} from "../directory.ts";
import type { EmulatorState } from "../state.ts";
import { GRAPH_APP_ID } from "../well_known.ts";
import { EntraError } from "./entra_errors.ts";

/** A resource application as token issuance sees it. */
export interface ResourceApp {
  appId: string;
  displayName: string;
  servicePrincipal: ServicePrincipalRecord;
  /** The app registration when the resource is registered in this tenant. */
  application?: ApplicationRecord;
  isGraph: boolean;
  /** Delegated permissions it exposes (the registration's, else the service principal's copy). */
  scopes: PermissionScope[];
  /** Exact identifiers: app ID, identifier URIs, service principal names (RFC 8707 and OBO `aud` checks). */
  identifiers: string[];
  /** Access token version: the registration's `requestedAccessTokenVersion`; Graph and first-party: 1. */
  tokenVersion: 1 | 2;
  preAuthorizedApplications: PreAuthorizedApplication[];
}

/** The canonical Graph audience used when Graph is named by the emulator's origin or by bare scope names. */
export const GRAPH_AUDIENCE = "https://graph.microsoft.com";

function withoutTrailingSlash(value: string): string {
  return value.replace(/\/+$/, "");
}

/** Whether an identifier is the emulator's own origin, which stands for Microsoft Graph. */
export function isEmulatorOrigin(state: EmulatorState, identifier: string): boolean {
  return withoutTrailingSlash(identifier).toLowerCase() === state.baseUrl.toLowerCase();
}

/** Finds a resource by identifier (trailing slashes and case ignored, as Entra resolves resources). */
export function findResourceApp(state: EmulatorState, identifier: string): ResourceApp | undefined {
  const { directory } = state;
  if (isEmulatorOrigin(state, identifier)) {
    const graph = findServicePrincipalByAppId(directory, GRAPH_APP_ID);
    return graph && resourceAppFor(state, graph);
  }
  const wanted = withoutTrailingSlash(identifier).toLowerCase();
  // Registrations first: their identifier URIs are authoritative even if a service principal lags behind.
  const application = directory.applications.find((a) =>
    a.appId === wanted || a.identifierUris.some((uri) => withoutTrailingSlash(uri).toLowerCase() === wanted)
  );
  const servicePrincipal = application
    ? findServicePrincipalByAppId(directory, application.appId)
    : findResourceServicePrincipal(directory, identifier);
  return servicePrincipal && resourceAppFor(state, servicePrincipal);
}

/** The resource view of a service principal. */
export function resourceAppFor(state: EmulatorState, servicePrincipal: ServicePrincipalRecord): ResourceApp {
  const application = findApplicationByAppId(state.directory, servicePrincipal.appId);
  const isGraph = servicePrincipal.appId === GRAPH_APP_ID;
  const identifiers = new Set([
    servicePrincipal.appId,
    ...(application?.identifierUris ?? []),
    ...servicePrincipal.servicePrincipalNames,
    ...(isGraph ? [state.baseUrl] : []),
  ]);
  return {
    appId: servicePrincipal.appId,
    displayName: servicePrincipal.displayName,
    servicePrincipal,
    application,
    isGraph,
    scopes: application?.api.oauth2PermissionScopes ?? servicePrincipal.oauth2PermissionScopes,
    identifiers: [...identifiers],
    tokenVersion: !isGraph && application?.api.requestedAccessTokenVersion === 2 ? 2 : 1,
    preAuthorizedApplications: application?.api.preAuthorizedApplications ?? [],
  };
}

/** `aud` of a v1 token: the resource as the client named it; Graph by the emulator origin reads as Graph. */
export function v1Audience(
  state: EmulatorState,
  target: { resource: ResourceApp; named?: string },
): string {
  const { resource, named } = target;
  if (named === undefined || (resource.isGraph && isEmulatorOrigin(state, named))) {
    return resource.isGraph ? GRAPH_AUDIENCE : resource.identifiers[0];
  }
  return named;
}

/**
 * RFC 8707 `resource` on the v2.0 endpoint: it must exactly equal (no trailing-slash tolerance) an identifier
 * of the resource whose scopes are requested, else AADSTS9010010 `invalid_target`.
 */
export function checkResourceIndicator(resource: ResourceApp, indicator: string | null): void {
  if (indicator !== null && !resource.identifiers.includes(indicator)) {
    throw new EntraError(9010010);
  }
}
