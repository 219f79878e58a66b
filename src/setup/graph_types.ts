/** The parts of Microsoft Graph's directory resources (v1.0) that the setup tool and `doctor` read and write. */

/** `permissionScope`: a delegated permission an API exposes. */
export interface PermissionScope {
  id: string;
  value: string;
  type: "User" | "Admin";
  isEnabled: boolean;
  adminConsentDisplayName: string;
  adminConsentDescription: string;
  userConsentDisplayName: string | null;
  userConsentDescription: string | null;
}

/** `preAuthorizedApplication`: a client allowed to get the listed scopes without consent. */
export interface PreAuthorizedApplication {
  appId: string;
  delegatedPermissionIds: string[];
}

/** `requiredResourceAccess`: permissions an app declares on one resource. */
export interface RequiredResourceAccess {
  resourceAppId: string;
  resourceAccess: Array<{ id: string; type: "Scope" | "Role" }>;
}

/** `passwordCredential` as reads return it (`secretText` is only ever set in the `addPassword` answer). */
export interface PasswordCredential {
  keyId: string;
  displayName: string | null;
  hint: string | null;
  startDateTime: string | null;
  endDateTime: string | null;
  secretText?: string | null;
}

/** `keyCredential` (a certificate); only the dates are used. */
export interface KeyCredential {
  keyId: string;
  displayName: string | null;
  endDateTime: string | null;
}

/** `apiApplication`. */
export interface ApiApplication {
  requestedAccessTokenVersion: number | null;
  oauth2PermissionScopes: PermissionScope[];
  preAuthorizedApplications: PreAuthorizedApplication[];
  knownClientApplications?: string[];
  acceptMappedClaims?: boolean | null;
}

/** `webApplication`. */
export interface WebApplication {
  redirectUris: string[];
  homePageUrl?: string | null;
  logoutUrl?: string | null;
}

/** `application` (an app registration). */
export interface Application {
  /** Object ID. */
  id: string;
  appId: string;
  displayName: string;
  signInAudience: string;
  identifierUris: string[];
  api: ApiApplication;
  requiredResourceAccess: RequiredResourceAccess[];
  passwordCredentials: PasswordCredential[];
  keyCredentials: KeyCredential[];
  web: WebApplication;
}

/** The body of `POST /applications` or `PATCH /applications/{id}`: any writable subset. */
export type ApplicationWrite =
  & Partial<
    Pick<Application, "displayName" | "signInAudience" | "identifierUris" | "requiredResourceAccess">
  >
  & { api?: Partial<ApiApplication>; web?: Partial<WebApplication> };

/** `servicePrincipal`. */
export interface ServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  oauth2PermissionScopes: PermissionScope[];
}

/** `oAuth2PermissionGrant`: delegated consent of a client service principal to a resource. */
export interface PermissionGrant {
  id: string;
  clientId: string;
  consentType: "AllPrincipals" | "Principal";
  principalId: string | null;
  resourceId: string;
  scope: string;
}
