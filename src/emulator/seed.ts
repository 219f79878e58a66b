/**
 * The demo tenant every emulator starts with: a Server app (the MCP server's registration) and a Client app
 * (the gateway's), both as the setup tool would create them, plus users with mailboxes. IDs and secrets are
 * fixed and public, like Azurite's well-known account key, so a demo `.env` survives restarts.
 */
import {
  type ApplicationRecord,
  type Directory,
  type DirectoryUser,
  type MailMessage,
  permissionGrantId,
  type PermissionScope,
  type ServicePrincipalRecord,
} from "./directory.ts";
import {
  AZURE_CLI_APP_ID,
  GRAPH_APP_ID,
  GRAPH_CLI_APP_ID,
  GRAPH_DELEGATED_SCOPES,
  GRAPH_RESOURCE_URIS,
} from "./well_known.ts";

/** Fixed identifiers of the demo tenant. */
export const DEMO = {
  tenantId: "afeab2dc-63ad-4563-980d-710d18b2a59f",
  domain: "contoso.onmicrosoft.com",
  server: {
    appId: "dc5e7c03-6070-423f-9bee-80357e9995ba",
    objectId: "815a9d62-294b-4e31-b412-07ccfc0a31c6",
    servicePrincipalId: "6cebe126-1db1-4390-bd03-933ac1497157",
    scopeId: "aaecbfd5-2f5b-426b-97f2-844661031317",
    secret: "Srv8Q~EmulatorWellKnownServerSecret00000",
    displayName: "Obot OBO Demo Server",
  },
  client: {
    appId: "c0e28b77-5ea7-424f-b638-a6378d514a01",
    objectId: "7191c11f-761d-4751-a3b2-de75cfa40314",
    servicePrincipalId: "62391136-9725-4e25-83f8-aba26c1a7a27",
    secret: "Cli8Q~EmulatorWellKnownClientSecret00000",
    displayName: "Obot OBO Demo Client",
    redirectUris: [
      "http://localhost:8080/oauth/mcp/callback",
      "http://localhost:6274/oauth/callback",
      "http://localhost:6274/oauth/callback/debug",
    ],
  },
  graphServicePrincipalId: "864c2f34-a05b-4110-9e32-f478cd8289ad",
} as const;

const AZURE_CLI_SP_ID = "ee4aa75d-475d-4b9e-b074-36ecab932111";
const GRAPH_CLI_SP_ID = "74852502-79d2-46b2-bb26-68c945d232f0";
const SEED_TIME = "2026-01-01T00:00:00Z";
const SECRET_END = "2099-01-01T00:00:00Z";

/** Builds a fresh copy of the demo tenant. Mail timestamps are relative to `now` so the junk folder looks recent. */
export function seedDirectory(now: Date = new Date()): Directory {
  const users = seedUsers(now);
  const graphScopes: PermissionScope[] = GRAPH_DELEGATED_SCOPES.map((s) => ({
    id: s.id,
    value: s.value,
    type: s.type,
    isEnabled: true,
    adminConsentDisplayName: s.adminConsentDisplayName,
    adminConsentDescription: s.adminConsentDisplayName,
    userConsentDisplayName: s.type === "User" ? s.adminConsentDisplayName : null,
    userConsentDescription: s.type === "User" ? s.adminConsentDisplayName : null,
  }));
  const serverScope: PermissionScope = {
    id: DEMO.server.scopeId,
    value: "access_as_user",
    type: "User",
    isEnabled: true,
    adminConsentDisplayName: "Access the MCP server as the signed-in user",
    adminConsentDescription: "Allows the app to call the MCP server on behalf of the signed-in user.",
    userConsentDisplayName: "Access the MCP server as you",
    userConsentDescription: "Allows the app to call the MCP server on your behalf.",
  };
  const server: ApplicationRecord = newApplication({
    id: DEMO.server.objectId,
    appId: DEMO.server.appId,
    displayName: DEMO.server.displayName,
  });
  server.identifierUris = [`api://${DEMO.server.appId}`];
  server.api.requestedAccessTokenVersion = 2;
  server.api.oauth2PermissionScopes = [serverScope];
  server.api.preAuthorizedApplications = [{
    appId: DEMO.client.appId,
    delegatedPermissionIds: [DEMO.server.scopeId],
  }];
  server.requiredResourceAccess = [{
    resourceAppId: GRAPH_APP_ID,
    resourceAccess: [
      { id: "e1fe6dd8-ba31-4d61-89e7-88639da4683d", type: "Scope" },
      { id: "570282fd-fa5c-430d-a7fd-fc8dc98a9dca", type: "Scope" },
    ],
  }];
  server.passwordCredentials = [
    secret("Server secret", DEMO.server.secret, "4bc41332-73a3-4089-972e-57b4aacd5125"),
  ];

  const client: ApplicationRecord = newApplication({
    id: DEMO.client.objectId,
    appId: DEMO.client.appId,
    displayName: DEMO.client.displayName,
  });
  client.web.redirectUris = [...DEMO.client.redirectUris];
  client.requiredResourceAccess = [{
    resourceAppId: DEMO.server.appId,
    resourceAccess: [{ id: DEMO.server.scopeId, type: "Scope" }],
  }];
  client.passwordCredentials = [
    secret("Client secret", DEMO.client.secret, "1ffa911f-f4cf-413c-ae80-eb528596eb2a"),
  ];

  const servicePrincipals: ServicePrincipalRecord[] = [
    servicePrincipal(
      DEMO.graphServicePrincipalId,
      GRAPH_APP_ID,
      "Microsoft Graph",
      [
        GRAPH_APP_ID,
        ...GRAPH_RESOURCE_URIS,
        ...GRAPH_RESOURCE_URIS.map((u) => `${u}/`),
      ],
      graphScopes,
      "f8cdef31-a31e-4b4a-93e4-5f571e91255a",
    ),
    servicePrincipal(
      AZURE_CLI_SP_ID,
      AZURE_CLI_APP_ID,
      "Microsoft Azure CLI",
      [
        AZURE_CLI_APP_ID,
      ],
      [],
      "f8cdef31-a31e-4b4a-93e4-5f571e91255a",
    ),
    servicePrincipal(
      GRAPH_CLI_SP_ID,
      GRAPH_CLI_APP_ID,
      "Microsoft Graph Command Line Tools",
      [
        GRAPH_CLI_APP_ID,
      ],
      [],
      "f8cdef31-a31e-4b4a-93e4-5f571e91255a",
    ),
    servicePrincipal(
      DEMO.server.servicePrincipalId,
      DEMO.server.appId,
      DEMO.server.displayName,
      [
        DEMO.server.appId,
        `api://${DEMO.server.appId}`,
      ],
      [serverScope],
      DEMO.tenantId,
    ),
    servicePrincipal(
      DEMO.client.servicePrincipalId,
      DEMO.client.appId,
      DEMO.client.displayName,
      [
        DEMO.client.appId,
      ],
      [],
      DEMO.tenantId,
    ),
  ];
  // Microsoft's first-party tools are pre-consented for Graph; what a user may do is then decided by
  // the user's directory role, as with Directory.AccessAsUser.All on a real tenant.
  const firstPartyScopes = GRAPH_DELEGATED_SCOPES.map((s) => s.value).join(" ");
  const allPrincipals = (clientId: string, scope: string) => ({
    id: permissionGrantId(clientId, DEMO.graphServicePrincipalId),
    clientId,
    consentType: "AllPrincipals" as const,
    principalId: null,
    resourceId: DEMO.graphServicePrincipalId,
    scope,
  });
  return {
    tenantId: DEMO.tenantId,
    displayName: "Contoso (emulated)",
    domain: DEMO.domain,
    users,
    applications: [server, client],
    servicePrincipals,
    permissionGrants: [
      allPrincipals(DEMO.server.servicePrincipalId, "User.Read Mail.Read"),
      allPrincipals(AZURE_CLI_SP_ID, firstPartyScopes),
      allPrincipals(GRAPH_CLI_SP_ID, firstPartyScopes),
    ],
  };
}

/** A new app registration with Graph's defaults for `POST /applications`. */
export function newApplication(
  fields: { id: string; appId: string; displayName: string },
): ApplicationRecord {
  return {
    ...fields,
    signInAudience: "AzureADMyOrg",
    createdDateTime: SEED_TIME,
    identifierUris: [],
    api: {
      requestedAccessTokenVersion: null,
      oauth2PermissionScopes: [],
      preAuthorizedApplications: [],
      knownClientApplications: [],
      acceptMappedClaims: null,
    },
    requiredResourceAccess: [],
    passwordCredentials: [],
    keyCredentials: [],
    federatedIdentityCredentials: [],
    web: { redirectUris: [], homePageUrl: null, logoutUrl: null },
    publicClient: { redirectUris: [] },
    spa: { redirectUris: [] },
    isFallbackPublicClient: null,
    replicatedAtMs: 0,
  };
}

function secret(displayName: string, secretText: string, keyId: string) {
  return {
    customKeyIdentifier: null,
    displayName,
    endDateTime: SECRET_END,
    hint: secretText.slice(0, 3),
    keyId,
    startDateTime: SEED_TIME,
    secretText,
  };
}

function servicePrincipal(
  id: string,
  appId: string,
  displayName: string,
  servicePrincipalNames: string[],
  oauth2PermissionScopes: PermissionScope[],
  appOwnerOrganizationId: string,
): ServicePrincipalRecord {
  return {
    id,
    appId,
    displayName,
    servicePrincipalNames,
    oauth2PermissionScopes,
    appOwnerOrganizationId,
    servicePrincipalType: "Application",
    accountEnabled: true,
    replicatedAtMs: 0,
  };
}

interface UserSeed {
  id: string;
  alias: string;
  givenName: string;
  surname: string;
  jobTitle: string;
  officeLocation: string;
  mobilePhone: string | null;
  admin: boolean;
  junk: number;
}

// Order matters and is documented: two ordinary users with more than five junk mails, the
// administrator, and last a user with an empty junk folder.
const USER_SEEDS: UserSeed[] = [
  {
    id: "2b5f1b7e-0f6d-4d8a-9a4f-3d1c6b9e8a01",
    alias: "adele",
    givenName: "Adele",
    surname: "Vance",
    jobTitle: "Retail Manager",
    officeLocation: "18/2111",
    mobilePhone: "+1 425 555 0109",
    admin: false,
    junk: 8,
  },
  {
    id: "5c3e9a2d-7b14-4f0e-8c6a-1e2d3f4a5b02",
    alias: "megan",
    givenName: "Megan",
    surname: "Bowen",
    jobTitle: "Marketing Manager",
    officeLocation: "12/1110",
    mobilePhone: null,
    admin: false,
    junk: 7,
  },
  {
    id: "8e7d6c5b-4a39-4281-9f0e-d1c2b3a4f503",
    alias: "miriam",
    givenName: "Miriam",
    surname: "Graham",
    jobTitle: "Director",
    officeLocation: "131/2103",
    mobilePhone: "+1 206 555 0117",
    admin: true,
    junk: 2,
  },
  {
    id: "a1b2c3d4-e5f6-4789-8abc-def012345604",
    alias: "lee",
    givenName: "Lee",
    surname: "Gu",
    jobTitle: "Director",
    officeLocation: "23/3101",
    mobilePhone: null,
    admin: false,
    junk: 0,
  },
];

const SPAM: Array<[subject: string, name: string, address: string]> = [
  ["You have won a $1,000 gift card!", "Rewards Center", "claim@prizes.example"],
  ["URGENT: Verify your account within 24 hours", "Account Security", "security@verify-now.example"],
  ["Cheap watches, 90% off today only", "Luxury Deals", "offers@watches.example"],
  ["Your parcel could not be delivered", "Parcel Service", "tracking@parcel-notice.example"],
  ["Re: invoice #88231 overdue", "Billing Dept", "billing@invoices.example"],
  ["Lose 10 kg in 10 days", "Health Tips", "news@slim-fast.example"],
  ["Exclusive crypto opportunity", "Investor Relations", "ir@moon-coin.example"],
  ["Your mailbox is almost full", "Mail Admin", "admin@mailbox-quota.example"],
  ["Congratulations, you are pre-approved", "Loan Center", "apply@easy-loans.example"],
];

function seedUsers(now: Date): DirectoryUser[] {
  return USER_SEEDS.map((seed, userIndex) => {
    const upn = `${seed.alias}@${DEMO.domain}`;
    const mail = `${seed.alias}@contoso.com`;
    const junkEmail: MailMessage[] = [];
    for (let i = 0; i < seed.junk; i++) {
      const [subject, name, address] = SPAM[(i + userIndex) % SPAM.length];
      // Newest first is not assumed: the seed is stored oldest-first so `$orderby` matters.
      const received = new Date(now.getTime() - (seed.junk - i) * 97 * 60_000 - userIndex * 60_000);
      const at = received.toISOString().replace(/\.\d{3}Z$/, "Z");
      junkEmail.push({
        id: `AAMkAG${seed.alias}${String(i).padStart(4, "0")}AAA=`,
        changeKey: `CQAAABYAAAD${seed.alias}${i}`,
        createdDateTime: at,
        lastModifiedDateTime: at,
        receivedDateTime: at,
        sentDateTime: at,
        subject,
        bodyPreview: `${subject} Click here to find out more.`,
        importance: "normal",
        isRead: false,
        hasAttachments: false,
        internetMessageId: `<${seed.alias}.${i}@${address.split("@")[1]}>`,
        conversationId: `AAQkAG${seed.alias}${i}`,
        from: { emailAddress: { name, address } },
        toRecipients: [{ emailAddress: { name: `${seed.givenName} ${seed.surname}`, address: mail } }],
        body: { contentType: "html", content: `<html><body><p>${subject}</p></body></html>` },
      });
    }
    return {
      id: seed.id,
      userPrincipalName: upn,
      displayName: `${seed.givenName} ${seed.surname}`,
      givenName: seed.givenName,
      surname: seed.surname,
      mail,
      jobTitle: seed.jobTitle,
      officeLocation: seed.officeLocation,
      mobilePhone: seed.mobilePhone,
      businessPhones: seed.mobilePhone ? [seed.mobilePhone.replace("555 01", "555 02")] : [],
      preferredLanguage: "en-US",
      admin: seed.admin,
      junkEmail,
    };
  });
}
