/**
 * What the MCP server expects of its app registrations: the Graph permissions it uses On-Behalf-Of, the
 * scope gateways ask for, and the first-party client the setup signs in with. Shared by setup and doctor.
 */
import type { PermissionScope } from "./graph_types.ts";

/** Microsoft Graph's application ID, the same in every tenant. */
export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/** Graph's delegated permissions the server needs, by value, with their IDs (the same in every tenant). */
export const GRAPH_PERMISSIONS: ReadonlyArray<{ value: string; id: string }> = [
  { value: "User.Read", id: "e1fe6dd8-ba31-4d61-89e7-88639da4683d" },
  { value: "Mail.Read", id: "570282fd-fa5c-430d-a7fd-fc8dc98a9dca" },
];

/** The delegated scope the server exposes and checks in `scp`. */
export const SCOPE_VALUE = "access_as_user";

/** Microsoft Graph Command Line Tools: a first-party public client with dynamic consent (Connect-MgGraph). */
export const GRAPH_CLI_CLIENT_ID = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

/** Scopes the setup signs in with: create apps and service principals, and grant tenant-wide consent. */
export const SETUP_SCOPES =
  "Application.ReadWrite.All DelegatedPermissionGrant.ReadWrite.All offline_access openid profile";

/** Scopes `doctor --registration` signs in with: read apps and permission grants, change nothing. */
export const DOCTOR_SCOPES = "Application.Read.All Directory.Read.All offline_access openid profile";

/** The default `--name`; apps are named "{name} Server" and "{name} Client", as the reference script does. */
export const DEFAULT_NAME = "Obot OBO Demo";

/** The default `BASE_URL` written to `.env` when neither `--base-url` nor the file gives one. */
export const DEFAULT_BASE_URL = "http://localhost:8000";

/** The `access_as_user` scope as the setup creates it (texts as in the emulator's seeded tenant). */
export function accessAsUserScope(id: string): PermissionScope {
  return {
    id,
    value: SCOPE_VALUE,
    type: "User",
    isEnabled: true,
    adminConsentDisplayName: "Access the MCP server as the signed-in user",
    adminConsentDescription: "Allows the app to call the MCP server on behalf of the signed-in user.",
    userConsentDisplayName: "Access the MCP server as you",
    userConsentDescription: "Allows the app to call the MCP server on your behalf.",
  };
}

/** The consent `scope` string for Graph: the permission values, space-separated. */
export function graphConsentScope(): string {
  return GRAPH_PERMISSIONS.map((p) => p.value).join(" ");
}

/** The v1 admin-consent link for an app (Entra `v2-admin-consent`, tenant-wide, no redirect needed). */
export function adminConsentUrl(authorityHost: string, app: { tenantId: string; appId: string }): string {
  return `${authorityHost}/${app.tenantId}/adminconsent?client_id=${app.appId}`;
}

/** Whether a grant's space-separated `scope` includes every value in `wanted` (case-insensitive). */
export function scopeCovers(scope: string, wanted: readonly string[]): boolean {
  const have = new Set(scope.split(" ").filter(Boolean).map((s) => s.toLowerCase()));
  return wanted.every((value) => have.has(value.toLowerCase()));
}
