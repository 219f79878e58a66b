/**
 * The emulated tenant: users, app registrations, service principals and delegated permission grants.
 * Records use Microsoft Graph's property names so the Graph API can return them almost as stored; secret
 * material lives in fields Graph never returns (see `graph/views.ts`).
 */

/** A mail message as Graph's `message` resource has it (a subset of properties). */
export interface MailMessage {
  id: string;
  changeKey: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  receivedDateTime: string;
  sentDateTime: string;
  subject: string;
  bodyPreview: string;
  importance: "low" | "normal" | "high";
  isRead: boolean;
  hasAttachments: boolean;
  internetMessageId: string;
  conversationId: string;
  from: { emailAddress: { name: string; address: string } };
  toRecipients: Array<{ emailAddress: { name: string; address: string } }>;
  body: { contentType: "text" | "html"; content: string };
}

/** A directory user and the mailbox data the emulated Graph serves for them. */
export interface DirectoryUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  jobTitle: string | null;
  officeLocation: string | null;
  mobilePhone: string | null;
  businessPhones: string[];
  preferredLanguage: string | null;
  /** Holds the Global Administrator role (emitted in `wids`); may use the app-registration API. */
  admin: boolean;
  junkEmail: MailMessage[];
}

/** `passwordCredential` as Graph shows it, plus the secret itself (never returned after creation). */
export interface PasswordCredentialRecord {
  customKeyIdentifier: null;
  displayName: string | null;
  endDateTime: string;
  hint: string;
  keyId: string;
  startDateTime: string;
  secretText: string;
}

/** `keyCredential` (a certificate registered on the app); `key` is the base64 DER certificate. */
export interface KeyCredentialRecord {
  customKeyIdentifier: string | null;
  displayName: string | null;
  endDateTime: string;
  keyId: string;
  startDateTime: string;
  type: "AsymmetricX509Cert";
  usage: "Verify";
  key: string;
}

/** `federatedIdentityCredential` (workload identity federation). */
export interface FederatedIdentityCredentialRecord {
  id: string;
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
  description: string | null;
}

/** `permissionScope` (a delegated permission an API exposes). */
export interface PermissionScope {
  id: string;
  value: string;
  type: "User" | "Admin";
  isEnabled: boolean;
  adminConsentDisplayName: string | null;
  adminConsentDescription: string | null;
  userConsentDisplayName: string | null;
  userConsentDescription: string | null;
}

/** `preAuthorizedApplication`: a client that may call these scopes without user consent. */
export interface PreAuthorizedApplication {
  appId: string;
  delegatedPermissionIds: string[];
}

/** `requiredResourceAccess`: the permissions an app declares it needs (declaring is not consenting). */
export interface RequiredResourceAccess {
  resourceAppId: string;
  resourceAccess: Array<{ id: string; type: "Scope" | "Role" }>;
}

/** An app registration (`application` resource). */
export interface ApplicationRecord {
  id: string;
  appId: string;
  displayName: string;
  signInAudience: string;
  createdDateTime: string;
  identifierUris: string[];
  api: {
    requestedAccessTokenVersion: number | null;
    oauth2PermissionScopes: PermissionScope[];
    preAuthorizedApplications: PreAuthorizedApplication[];
    knownClientApplications: string[];
    acceptMappedClaims: boolean | null;
  };
  requiredResourceAccess: RequiredResourceAccess[];
  passwordCredentials: PasswordCredentialRecord[];
  keyCredentials: KeyCredentialRecord[];
  federatedIdentityCredentials: FederatedIdentityCredentialRecord[];
  web: { redirectUris: string[]; homePageUrl: string | null; logoutUrl: string | null };
  publicClient: { redirectUris: string[] };
  spa: { redirectUris: string[] };
  isFallbackPublicClient: boolean | null;
  /** Emulator-only: when the record becomes visible to Graph reads (eventual consistency). */
  replicatedAtMs: number;
}

/** A service principal (the app's instance in this tenant). */
export interface ServicePrincipalRecord {
  id: string;
  appId: string;
  displayName: string;
  servicePrincipalNames: string[];
  oauth2PermissionScopes: PermissionScope[];
  appOwnerOrganizationId: string | null;
  servicePrincipalType: "Application";
  accountEnabled: boolean;
  replicatedAtMs: number;
}

/** `oauth2PermissionGrant`: delegated consent from a client SP to a resource SP. */
export interface PermissionGrantRecord {
  id: string;
  clientId: string;
  consentType: "AllPrincipals" | "Principal";
  principalId: string | null;
  resourceId: string;
  scope: string;
}

/** One tenant's directory. Plain arrays: a demo tenant holds tens of objects, not millions. */
export interface Directory {
  tenantId: string;
  displayName: string;
  domain: string;
  users: DirectoryUser[];
  applications: ApplicationRecord[];
  servicePrincipals: ServicePrincipalRecord[];
  permissionGrants: PermissionGrantRecord[];
}

/** Finds a user by object ID or user principal name (case-insensitive, as Entra compares UPNs). */
export function findUser(directory: Directory, idOrUpn: string): DirectoryUser | undefined {
  const wanted = idOrUpn.toLowerCase();
  return directory.users.find((u) => u.id === wanted || u.userPrincipalName.toLowerCase() === wanted);
}

/** Finds an app registration by its application (client) ID. */
export function findApplicationByAppId(directory: Directory, appId: string): ApplicationRecord | undefined {
  return directory.applications.find((a) => a.appId === appId);
}

/** Finds a service principal by the application ID it represents. */
export function findServicePrincipalByAppId(
  directory: Directory,
  appId: string,
): ServicePrincipalRecord | undefined {
  return directory.servicePrincipals.find((sp) => sp.appId === appId);
}

/**
 * Finds the service principal a resource identifier names: an app ID GUID, one of its
 * `servicePrincipalNames` (identifier URIs), compared without a trailing slash as Entra does.
 */
export function findResourceServicePrincipal(
  directory: Directory,
  resource: string,
): ServicePrincipalRecord | undefined {
  const wanted = resource.replace(/\/+$/, "").toLowerCase();
  return directory.servicePrincipals.find((sp) =>
    sp.appId === wanted ||
    sp.servicePrincipalNames.some((name) => name.replace(/\/+$/, "").toLowerCase() === wanted)
  );
}

/** Scopes an `oauth2PermissionGrant` set gives `client` on `resource` for `user` (AllPrincipals or Principal). */
export function consentedScopes(
  directory: Directory,
  grant: { clientSpId: string; resourceSpId: string; userId?: string },
): Set<string> {
  const scopes = new Set<string>();
  for (const g of directory.permissionGrants) {
    if (g.clientId !== grant.clientSpId || g.resourceId !== grant.resourceSpId) continue;
    if (g.consentType === "Principal" && g.principalId !== grant.userId) continue;
    for (const s of g.scope.split(" ")) if (s) scopes.add(s);
  }
  return scopes;
}

/**
 * An `oauth2PermissionGrant` ID as Entra derives it: base64url (no padding) of the client and resource
 * service principal GUIDs (plus the principal's for `Principal` grants) in .NET's little-endian byte layout.
 */
export function permissionGrantId(clientId: string, resourceId: string, principalId?: string | null): string {
  const parts = [clientId, resourceId, ...(principalId ? [principalId] : [])].map(guidBytes);
  const bytes = new Uint8Array(parts.length * 16);
  parts.forEach((p, i) => bytes.set(p, i * 16));
  return bytes.toBase64({ alphabet: "base64url", omitPadding: true });
}

function guidBytes(guid: string): Uint8Array {
  const hex = guid.replace(/-/g, "");
  const raw = Uint8Array.fromHex(hex);
  // .NET Guid.ToByteArray(): the first three groups are little-endian.
  return new Uint8Array([raw[3], raw[2], raw[1], raw[0], raw[5], raw[4], raw[7], raw[6], ...raw.slice(8)]);
}
