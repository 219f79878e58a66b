/**
 * Directory and mailbox records as Graph's JSON shows them. This is the only place records become
 * responses, so secret material (`secretText`, certificate `key`) and emulator-only fields
 * (`replicatedAtMs`) cannot leak: every view lists the properties it returns.
 */
import type {
  ApplicationRecord,
  DirectoryUser,
  FederatedIdentityCredentialRecord,
  KeyCredentialRecord,
  MailMessage,
  PasswordCredentialRecord,
  PermissionGrantRecord,
  PermissionScope,
  ServicePrincipalRecord,
} from "../directory.ts";

/** A user's default property set (what `GET /me` returns without `$select`). */
export function userView(user: DirectoryUser): Record<string, unknown> {
  return {
    businessPhones: [...user.businessPhones],
    displayName: user.displayName,
    givenName: user.givenName,
    jobTitle: user.jobTitle,
    mail: user.mail,
    mobilePhone: user.mobilePhone,
    officeLocation: user.officeLocation,
    preferredLanguage: user.preferredLanguage,
    surname: user.surname,
    userPrincipalName: user.userPrincipalName,
    id: user.id,
  };
}

/** Where a message lives, for the properties that depend on it. */
export interface MessagePlacement {
  parentFolderId: string;
}

/** A message with Graph's full default property set, in Graph's property order. */
export function messageView(message: MailMessage, placement: MessagePlacement): Record<string, unknown> {
  return {
    "@odata.etag": `W/"${message.changeKey}"`,
    id: message.id,
    createdDateTime: message.createdDateTime,
    lastModifiedDateTime: message.lastModifiedDateTime,
    changeKey: message.changeKey,
    categories: [],
    receivedDateTime: message.receivedDateTime,
    sentDateTime: message.sentDateTime,
    hasAttachments: message.hasAttachments,
    internetMessageId: message.internetMessageId,
    subject: message.subject,
    bodyPreview: message.bodyPreview,
    importance: message.importance,
    parentFolderId: placement.parentFolderId,
    conversationId: message.conversationId,
    isDeliveryReceiptRequested: false,
    isReadReceiptRequested: false,
    isRead: message.isRead,
    isDraft: false,
    webLink: `https://outlook.office365.com/owa/?ItemID=${
      encodeURIComponent(message.id)
    }&exvsurl=1&viewmodel=ReadMessageItem`,
    inferenceClassification: "other",
    body: { ...message.body },
    sender: structuredClone(message.from),
    from: structuredClone(message.from),
    toRecipients: structuredClone(message.toRecipients),
    ccRecipients: [],
    bccRecipients: [],
    replyTo: [],
    flag: { flagStatus: "notFlagged" },
  };
}

/** A permission scope as Graph returns it (apps' own scopes report `origin: "Application"`). */
export function permissionScopeView(scope: PermissionScope): Record<string, unknown> {
  return {
    adminConsentDescription: scope.adminConsentDescription,
    adminConsentDisplayName: scope.adminConsentDisplayName,
    id: scope.id,
    isEnabled: scope.isEnabled,
    type: scope.type,
    userConsentDescription: scope.userConsentDescription,
    userConsentDisplayName: scope.userConsentDisplayName,
    value: scope.value,
  };
}

/** A password credential: Graph never returns the secret after `addPassword` (`secretText` is null). */
export function passwordCredentialView(credential: PasswordCredentialRecord): Record<string, unknown> {
  return {
    customKeyIdentifier: credential.customKeyIdentifier,
    displayName: credential.displayName,
    endDateTime: credential.endDateTime,
    hint: credential.hint,
    keyId: credential.keyId,
    secretText: null,
    startDateTime: credential.startDateTime,
  };
}

/** A certificate credential: Graph returns `key: null` on reads. */
export function keyCredentialView(credential: KeyCredentialRecord): Record<string, unknown> {
  return {
    customKeyIdentifier: credential.customKeyIdentifier,
    displayName: credential.displayName,
    endDateTime: credential.endDateTime,
    key: null,
    keyId: credential.keyId,
    startDateTime: credential.startDateTime,
    type: credential.type,
    usage: credential.usage,
  };
}

/** An application; `federatedIdentityCredentials` is a navigation property, listed separately by Graph. */
export function applicationView(app: ApplicationRecord): Record<string, unknown> {
  return {
    id: app.id,
    deletedDateTime: null,
    appId: app.appId,
    createdDateTime: app.createdDateTime,
    displayName: app.displayName,
    identifierUris: [...app.identifierUris],
    isFallbackPublicClient: app.isFallbackPublicClient,
    signInAudience: app.signInAudience,
    api: {
      acceptMappedClaims: app.api.acceptMappedClaims,
      knownClientApplications: [...app.api.knownClientApplications],
      requestedAccessTokenVersion: app.api.requestedAccessTokenVersion,
      oauth2PermissionScopes: app.api.oauth2PermissionScopes.map(permissionScopeView),
      preAuthorizedApplications: structuredClone(app.api.preAuthorizedApplications),
    },
    keyCredentials: app.keyCredentials.map(keyCredentialView),
    passwordCredentials: app.passwordCredentials.map(passwordCredentialView),
    publicClient: { redirectUris: [...app.publicClient.redirectUris] },
    requiredResourceAccess: structuredClone(app.requiredResourceAccess),
    web: {
      homePageUrl: app.web.homePageUrl,
      logoutUrl: app.web.logoutUrl,
      redirectUris: [...app.web.redirectUris],
    },
    spa: { redirectUris: [...app.spa.redirectUris] },
  };
}

/** A service principal; `replyUrls` and `signInAudience` come from its application when it is local. */
export function servicePrincipalView(
  sp: ServicePrincipalRecord,
  app: ApplicationRecord | undefined,
): Record<string, unknown> {
  return {
    id: sp.id,
    deletedDateTime: null,
    accountEnabled: sp.accountEnabled,
    appDisplayName: sp.displayName,
    appId: sp.appId,
    appOwnerOrganizationId: sp.appOwnerOrganizationId,
    appRoleAssignmentRequired: false,
    displayName: sp.displayName,
    replyUrls: app ? [...app.web.redirectUris] : [],
    servicePrincipalNames: [...sp.servicePrincipalNames],
    servicePrincipalType: sp.servicePrincipalType,
    signInAudience: app?.signInAudience ?? "AzureADMultipleOrgs",
    tags: [],
    appRoles: [],
    keyCredentials: [],
    oauth2PermissionScopes: sp.oauth2PermissionScopes.map(permissionScopeView),
    passwordCredentials: [],
  };
}

/** A delegated permission grant. */
export function permissionGrantView(grant: PermissionGrantRecord): Record<string, unknown> {
  return {
    clientId: grant.clientId,
    consentType: grant.consentType,
    id: grant.id,
    principalId: grant.principalId,
    resourceId: grant.resourceId,
    scope: grant.scope,
  };
}

/** A federated identity credential. */
export function federatedCredentialView(
  credential: FederatedIdentityCredentialRecord,
): Record<string, unknown> {
  return {
    audiences: [...credential.audiences],
    description: credential.description,
    id: credential.id,
    issuer: credential.issuer,
    name: credential.name,
    subject: credential.subject,
  };
}
