/**
 * Creating and updating app registrations from POST/PATCH bodies: the accepted properties, Graph's
 * merge rules (collections are replaced, the `api`/`web`/`spa`/`publicClient` complex values merged per
 * property) and the checks Graph runs on the result.
 */
import { z } from "zod";
import type { ApplicationRecord, Directory, PermissionScope } from "../directory.ts";
import { invalidPropertyValue } from "./directory_errors.ts";
import { checkIdentifierUris } from "./identifier_uris.ts";
import { keyCredentialFromInput, keyCredentialInput } from "./key_credentials.ts";
import { checkPreAuthorizedApplications, checkScopeUpdate } from "./permission_scope_rules.ts";
import { parseBody } from "./request_body.ts";
import { guid } from "./schema_parts.ts";

const permissionScopeInput = z.strictObject({
  id: guid,
  // Scope values may not contain spaces or start with a dot; Graph also requires the admin consent texts.
  value: z.string().min(1).max(120).regex(/^[^\s.]\S*$/),
  type: z.enum(["User", "Admin"]),
  isEnabled: z.boolean(),
  adminConsentDisplayName: z.string().min(1),
  adminConsentDescription: z.string().min(1),
  userConsentDisplayName: z.string().nullable().optional(),
  userConsentDescription: z.string().nullable().optional(),
  origin: z.string().optional(),
});

const redirectUris = z.array(z.string().refine(canParseUrl)).max(256);

const applicationInput = z.strictObject({
  displayName: z.string().min(1).max(256),
  signInAudience: z.enum([
    "AzureADMyOrg",
    "AzureADMultipleOrgs",
    "AzureADandPersonalMicrosoftAccount",
    "PersonalMicrosoftAccount",
  ]),
  identifierUris: z.array(z.string()),
  isFallbackPublicClient: z.boolean().nullable(),
  api: z.strictObject({
    requestedAccessTokenVersion: z.union([z.literal(1), z.literal(2)]).nullable().optional(),
    oauth2PermissionScopes: z.array(permissionScopeInput).optional(),
    preAuthorizedApplications: z.array(z.strictObject({ appId: guid, delegatedPermissionIds: z.array(guid) }))
      .optional(),
    knownClientApplications: z.array(guid).optional(),
    acceptMappedClaims: z.boolean().nullable().optional(),
  }),
  requiredResourceAccess: z.array(z.strictObject({
    resourceAppId: guid,
    resourceAccess: z.array(z.strictObject({ id: guid, type: z.enum(["Scope", "Role"]) })),
  })),
  keyCredentials: z.array(keyCredentialInput),
  web: z.strictObject({
    redirectUris: redirectUris.refine((uris) => uris.every(isWebRedirectUri)).optional(),
    homePageUrl: z.string().refine(canParseUrl).nullable().optional(),
    logoutUrl: z.string().refine(canParseUrl).nullable().optional(),
  }),
  spa: z.strictObject({
    redirectUris: redirectUris.refine((uris) => uris.every(isWebRedirectUri)).optional(),
  }),
  publicClient: z.strictObject({ redirectUris: redirectUris.optional() }),
}).partial();

/** A validated POST/PATCH body for an application. */
export type ApplicationInput = z.infer<typeof applicationInput>;

/** Properties of Graph's application that clients cannot set. */
const READ_ONLY = [
  "id",
  "appId",
  "createdDateTime",
  "deletedDateTime",
  "publisherDomain",
  "passwordCredentials",
  "federatedIdentityCredentials",
];

/** Properties of Graph's application the emulator does not keep. */
const NOT_EMULATED = [
  "addIns",
  "appRoles",
  "description",
  "groupMembershipClaims",
  "info",
  "notes",
  "optionalClaims",
  "parentalControlSettings",
  "serviceManagementReference",
  "tags",
  "tokenEncryptionKeyId",
  "verifiedPublisher",
];

/** Validates an application body (POST or PATCH). */
export function parseApplicationInput(body: Record<string, unknown>): ApplicationInput {
  return parseBody(applicationInput, body, {
    resource: "Application",
    readOnly: READ_ONLY,
    notEmulated: NOT_EMULATED,
  });
}

/**
 * The application `input` turns `app` into, checked as Graph checks it. `app` itself is not changed, so a
 * refused update leaves no trace.
 */
export async function updatedApplication(
  app: ApplicationRecord,
  input: ApplicationInput,
  options: { directory: Directory },
): Promise<ApplicationRecord> {
  const { directory } = options;
  const next = structuredClone(app);
  if (input.displayName !== undefined) next.displayName = input.displayName;
  if (input.signInAudience !== undefined) next.signInAudience = input.signInAudience;
  if (input.identifierUris !== undefined) next.identifierUris = [...input.identifierUris];
  if (input.isFallbackPublicClient !== undefined) next.isFallbackPublicClient = input.isFallbackPublicClient;
  if (input.requiredResourceAccess !== undefined) next.requiredResourceAccess = input.requiredResourceAccess;
  if (input.api) {
    const { api } = input;
    if (api.requestedAccessTokenVersion !== undefined) {
      next.api.requestedAccessTokenVersion = api.requestedAccessTokenVersion;
    }
    if (api.oauth2PermissionScopes) next.api.oauth2PermissionScopes = api.oauth2PermissionScopes.map(toScope);
    if (api.preAuthorizedApplications) next.api.preAuthorizedApplications = api.preAuthorizedApplications;
    if (api.knownClientApplications) next.api.knownClientApplications = api.knownClientApplications;
    if (api.acceptMappedClaims !== undefined) next.api.acceptMappedClaims = api.acceptMappedClaims;
  }
  if (input.web) {
    next.web = {
      redirectUris: input.web.redirectUris ?? next.web.redirectUris,
      homePageUrl: input.web.homePageUrl !== undefined ? input.web.homePageUrl : next.web.homePageUrl,
      logoutUrl: input.web.logoutUrl !== undefined ? input.web.logoutUrl : next.web.logoutUrl,
    };
  }
  if (input.spa?.redirectUris) next.spa = { redirectUris: input.spa.redirectUris };
  if (input.publicClient?.redirectUris) next.publicClient = { redirectUris: input.publicClient.redirectUris };
  if (input.keyCredentials) {
    next.keyCredentials = await Promise.all(input.keyCredentials.map(keyCredentialFromInput));
    const keyIds = new Set(next.keyCredentials.map((k) => k.keyId));
    if (keyIds.size !== next.keyCredentials.length) throw invalidPropertyValue("keyId", "KeyCredential");
  }
  checkIdentifierUris(next, directory);
  checkScopeUpdate(app.api.oauth2PermissionScopes, next.api.oauth2PermissionScopes);
  checkPreAuthorizedApplications(next.api.oauth2PermissionScopes, next.api.preAuthorizedApplications);
  return next;
}

function toScope(input: z.infer<typeof permissionScopeInput>): PermissionScope {
  return {
    id: input.id.toLowerCase(),
    value: input.value,
    type: input.type,
    isEnabled: input.isEnabled,
    adminConsentDisplayName: input.adminConsentDisplayName,
    adminConsentDescription: input.adminConsentDescription,
    userConsentDisplayName: input.userConsentDisplayName ?? null,
    userConsentDescription: input.userConsentDescription ?? null,
  };
}

function canParseUrl(text: string): boolean {
  return URL.canParse(text);
}

/** Web and SPA redirect URIs must be HTTPS, except on the loopback host (Entra's rule). */
function isWebRedirectUri(text: string): boolean {
  const url = URL.parse(text);
  if (!url || url.hash) return false;
  return url.protocol === "https:" ||
    (url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname));
}
