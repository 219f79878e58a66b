/** Identifiers that are the same in every Entra ID tenant (first-party apps, Graph permission IDs, role templates). */

/** Microsoft Graph's application ID, the same in every tenant. */
export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/** Public resource identifiers of Microsoft Graph in the clouds the emulator knows. */
export const GRAPH_RESOURCE_URIS: readonly string[] = [
  "https://graph.microsoft.com",
  "https://graph.microsoft.us",
  "https://dod-graph.microsoft.us",
  "https://microsoftgraph.chinacloudapi.cn",
];

/** Azure CLI's public client ID (Azure/azure-cli `auth/constants.py`). */
export const AZURE_CLI_APP_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

/** Microsoft Graph Command Line Tools (used by Connect-MgGraph); a public client with dynamic consent. */
export const GRAPH_CLI_APP_ID = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

/** Global Administrator role template ID, as it appears in the `wids` claim. */
export const GLOBAL_ADMIN_ROLE_ID = "62e90394-69f5-4237-9190-012177145e10";

/** The audience Entra expects on federated identity credential assertions. */
export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

/** A delegated permission (`oauth2PermissionScope`) of Microsoft Graph's service principal. */
export interface GraphScopeDefinition {
  id: string;
  value: string;
  /** "User" scopes can be consented by any user; "Admin" scopes need an administrator. */
  type: "User" | "Admin";
  adminConsentDisplayName: string;
}

/** A subset of Graph's delegated permissions with their real IDs. */
export const GRAPH_DELEGATED_SCOPES: readonly GraphScopeDefinition[] = [
  {
    id: "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
    value: "User.Read",
    type: "User",
    adminConsentDisplayName: "Sign in and read user profile",
  },
  {
    id: "570282fd-fa5c-430d-a7fd-fc8dc98a9dca",
    value: "Mail.Read",
    type: "User",
    adminConsentDisplayName: "Read user mail",
  },
  {
    id: "e383f46e-2787-4529-855e-0e479a3ffac0",
    value: "Mail.Send",
    type: "User",
    adminConsentDisplayName: "Send mail as a user",
  },
  {
    id: "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
    value: "offline_access",
    type: "User",
    adminConsentDisplayName: "Maintain access to data you have given it access to",
  },
  {
    id: "37f7f235-527c-4136-accd-4a02d197296e",
    value: "openid",
    type: "User",
    adminConsentDisplayName: "Sign users in",
  },
  {
    id: "14dad69e-099b-42c9-810b-d002981feec1",
    value: "profile",
    type: "User",
    adminConsentDisplayName: "View users' basic profile",
  },
  {
    id: "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0",
    value: "email",
    type: "User",
    adminConsentDisplayName: "View users' email address",
  },
  {
    id: "c79f8feb-a9db-4090-85f9-90d820caa0eb",
    value: "Application.Read.All",
    type: "Admin",
    adminConsentDisplayName: "Read applications",
  },
  {
    id: "bdfbf15f-ee85-4955-8675-146e8e5296b5",
    value: "Application.ReadWrite.All",
    type: "Admin",
    adminConsentDisplayName: "Read and write all applications",
  },
  {
    id: "41ce6ca6-6826-4807-84f1-1c82854f7ee5",
    value: "DelegatedPermissionGrant.ReadWrite.All",
    type: "Admin",
    adminConsentDisplayName: "Manage all delegated permission grants",
  },
  {
    id: "06da0dbc-49e2-44d2-8312-53f166ab848a",
    value: "Directory.Read.All",
    type: "Admin",
    adminConsentDisplayName: "Read directory data",
  },
];

/** OpenID Connect scopes: they never name a resource and are never sent to Graph in `scp`. */
export const OIDC_SCOPES: ReadonlySet<string> = new Set(["openid", "profile", "email", "offline_access"]);
