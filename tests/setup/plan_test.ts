/** The planners are pure: what differs between the wanted registration and what exists, stage by stage. */
import assert from "node:assert/strict";
import type { Application, PermissionGrant } from "../../src/setup/graph_types.ts";
import {
  type DesiredSetup,
  type ExistingState,
  PLACEHOLDER,
  planClientApp,
  planClientSecret,
  planConsent,
  planEnvFile,
  planPreAuthorization,
  planServerApp,
  planServerSecret,
  planSetup,
  wantedEnvValues,
} from "../../src/setup/plan.ts";
import { accessAsUserScope, GRAPH_APP_ID } from "../../src/setup/registration_spec.ts";

const NOW = Date.parse("2026-06-01T00:00:00Z");
const SCOPE_ID = "11111111-1111-4111-8111-111111111111";
const NEW_SCOPE_ID = "22222222-2222-4222-8222-222222222222";
const SERVER_ID = "33333333-3333-4333-8333-333333333333";
const CLIENT_ID = "44444444-4444-4444-8444-444444444444";
const USER_READ = "e1fe6dd8-ba31-4d61-89e7-88639da4683d";
const MAIL_READ = "570282fd-fa5c-430d-a7fd-fc8dc98a9dca";

function desired(overrides: Partial<DesiredSetup> = {}): DesiredSetup {
  return {
    serverName: "Demo Server",
    clientName: "Demo Client",
    redirectUris: ["https://obot.example.com/oauth/mcp/callback"],
    rotateSecrets: false,
    grantAdminConsent: true,
    tenantId: "55555555-5555-4555-8555-555555555555",
    credentialKind: "secret",
    endpointSettings: {},
    newScopeId: NEW_SCOPE_ID,
    nowMs: NOW,
    ...overrides,
  };
}

function secret(keyId: string, hint: string, endDateTime = "2028-01-01T00:00:00Z") {
  return { keyId, displayName: null, hint, startDateTime: "2026-01-01T00:00:00Z", endDateTime };
}

/** A Server app as a complete setup leaves it. */
function server(): Application {
  return {
    id: "server-object",
    appId: SERVER_ID,
    displayName: "Demo Server",
    signInAudience: "AzureADMyOrg",
    identifierUris: [`api://${SERVER_ID}`],
    api: {
      requestedAccessTokenVersion: 2,
      oauth2PermissionScopes: [accessAsUserScope(SCOPE_ID)],
      preAuthorizedApplications: [{ appId: CLIENT_ID, delegatedPermissionIds: [SCOPE_ID] }],
      knownClientApplications: [],
      acceptMappedClaims: null,
    },
    requiredResourceAccess: [{
      resourceAppId: GRAPH_APP_ID,
      resourceAccess: [{ id: USER_READ, type: "Scope" }, { id: MAIL_READ, type: "Scope" }],
    }],
    passwordCredentials: [secret("old-server-key", "Srv")],
    keyCredentials: [],
    web: { redirectUris: [], homePageUrl: null, logoutUrl: null },
  };
}

/** A Client app as a complete setup leaves it. */
function client(): Application {
  return {
    ...server(),
    id: "client-object",
    appId: CLIENT_ID,
    displayName: "Demo Client",
    identifierUris: [],
    api: { requestedAccessTokenVersion: null, oauth2PermissionScopes: [], preAuthorizedApplications: [] },
    requiredResourceAccess: [{ resourceAppId: SERVER_ID, resourceAccess: [{ id: SCOPE_ID, type: "Scope" }] }],
    passwordCredentials: [secret("old-client-key", "Cli")],
    web: {
      redirectUris: ["https://obot.example.com/oauth/mcp/callback"],
      homePageUrl: null,
      logoutUrl: null,
    },
  };
}

function grant(scope: string): PermissionGrant {
  return {
    id: "grant",
    clientId: "sp",
    consentType: "AllPrincipals",
    principalId: null,
    resourceId: "graph",
    scope,
  };
}

function complete(): ExistingState {
  return {
    server: server(),
    serverServicePrincipal: {
      id: "sp",
      appId: SERVER_ID,
      displayName: "Demo Server",
      oauth2PermissionScopes: [],
    },
    client: client(),
    clientServicePrincipal: {
      id: "csp",
      appId: CLIENT_ID,
      displayName: "Demo Client",
      oauth2PermissionScopes: [],
    },
    grants: [grant("User.Read Mail.Read")],
    envValues: {
      AZURE_TENANT_ID: "55555555-5555-4555-8555-555555555555",
      AZURE_CLIENT_ID: SERVER_ID,
      AZURE_CLIENT_SECRET: "Srv8Q~the-secret",
      BASE_URL: "http://localhost:8000",
    },
  };
}

Deno.test("a complete registration plans no change at all", () => {
  assert.deepEqual(planSetup(desired(), complete()), []);
});

Deno.test("an empty tenant plans everything, in the order the run makes it", () => {
  const changes = planSetup(desired(), { grants: [], envValues: {} });
  assert.deepEqual(changes, [
    `create Server app "Demo Server" (v2 tokens, scope access_as_user, Graph User.Read + Mail.Read)`,
    `set Server app identifier URI api://${PLACEHOLDER.serverAppId}`,
    "create the Server app's service principal",
    "add a Server app secret (none in .env)",
    "write .env: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, BASE_URL",
    `create Client app "Demo Client" (permission access_as_user and redirect URIs https://obot.example.com/oauth/mcp/callback)`,
    "create the Client app's service principal",
    "add a Client app secret",
    "pre-authorize the Client app for access_as_user on the Server app",
    "grant tenant-wide admin consent for Microsoft Graph User.Read Mail.Read",
  ]);
});

Deno.test("server app: a new one is created with v2 tokens, the scope and Graph permissions", () => {
  const plan = planServerApp(undefined, desired());
  assert.deepEqual(plan.create, {
    displayName: "Demo Server",
    signInAudience: "AzureADMyOrg",
    api: { requestedAccessTokenVersion: 2, oauth2PermissionScopes: [accessAsUserScope(NEW_SCOPE_ID)] },
    requiredResourceAccess: [{
      resourceAppId: GRAPH_APP_ID,
      resourceAccess: [{ id: USER_READ, type: "Scope" }, { id: MAIL_READ, type: "Scope" }],
    }],
  });
  assert.deepEqual(plan.patches, []);
});

Deno.test("server app: each difference is one PATCH property, other values kept", () => {
  const app = server();
  app.signInAudience = "AzureADMultipleOrgs";
  app.identifierUris = ["api://other"];
  app.api.requestedAccessTokenVersion = null;
  app.requiredResourceAccess = [{
    resourceAppId: GRAPH_APP_ID,
    resourceAccess: [{ id: USER_READ, type: "Scope" }],
  }];
  const plan = planServerApp(app, desired());
  assert.equal(plan.patches.length, 1);
  const [patch] = plan.patches;
  assert.equal(patch.signInAudience, "AzureADMyOrg");
  assert.deepEqual(patch.identifierUris, [`api://${SERVER_ID}`, "api://other"]);
  assert.equal(patch.api?.requestedAccessTokenVersion, 2);
  assert.deepEqual(patch.api?.oauth2PermissionScopes, app.api.oauth2PermissionScopes, "scopes unchanged");
  assert.deepEqual(patch.api?.preAuthorizedApplications, app.api.preAuthorizedApplications);
  assert.deepEqual(patch.requiredResourceAccess?.[0].resourceAccess.map((a) => a.id), [USER_READ, MAIL_READ]);
  assert.equal(plan.changes.length, 4);
});

Deno.test("server app: a missing scope is added next to the others, with a new ID", () => {
  const app = server();
  const other = { ...accessAsUserScope("66666666-6666-4666-8666-666666666666"), value: "other_scope" };
  app.api.oauth2PermissionScopes = [other];
  const [patch] = planServerApp(app, desired()).patches;
  assert.deepEqual(patch.api?.oauth2PermissionScopes, [other, accessAsUserScope(NEW_SCOPE_ID)]);
});

Deno.test("server app: a disabled scope is enabled in place, keeping its ID", () => {
  const app = server();
  app.api.oauth2PermissionScopes = [{ ...accessAsUserScope(SCOPE_ID), isEnabled: false }];
  const plan = planServerApp(app, desired());
  assert.deepEqual(plan.changes, ["enable scope access_as_user on the Server app"]);
  assert.deepEqual(plan.patches, [{
    api: { ...app.api, oauth2PermissionScopes: [accessAsUserScope(SCOPE_ID)] },
  }]);
});

Deno.test("server app: an enabled scope is never changed without being disabled in an earlier PATCH", () => {
  const app = server();
  app.api.oauth2PermissionScopes = [{ ...accessAsUserScope(SCOPE_ID), type: "Admin" }];
  const plan = planServerApp(app, desired());
  assert.equal(plan.patches.length, 2);
  assert.deepEqual(plan.patches[0].api?.oauth2PermissionScopes, [
    { ...accessAsUserScope(SCOPE_ID), type: "Admin", isEnabled: false },
  ]);
  assert.deepEqual(plan.patches[1].api?.oauth2PermissionScopes, [accessAsUserScope(SCOPE_ID)]);
});

Deno.test("client app: missing permission and redirect URIs are added, existing redirect URIs kept", () => {
  const app = client();
  app.requiredResourceAccess = [];
  app.web.redirectUris = ["https://other.example.com/cb"];
  const plan = planClientApp(app, desired(), { appId: SERVER_ID, scopeId: SCOPE_ID });
  assert.deepEqual(plan.patches, [{
    requiredResourceAccess: [{ resourceAppId: SERVER_ID, resourceAccess: [{ id: SCOPE_ID, type: "Scope" }] }],
    web: {
      redirectUris: ["https://other.example.com/cb", "https://obot.example.com/oauth/mcp/callback"],
      homePageUrl: null,
      logoutUrl: null,
    },
  }]);
  assert.deepEqual(planClientApp(client(), desired(), { appId: SERVER_ID, scopeId: SCOPE_ID }).patches, []);
});

Deno.test("pre-authorization: added for the client's scope, other clients kept", () => {
  const app = server();
  app.api.preAuthorizedApplications = [{
    appId: "77777777-7777-4777-8777-777777777777",
    delegatedPermissionIds: [SCOPE_ID],
  }];
  const plan = planPreAuthorization(app, { clientAppId: CLIENT_ID, scopeId: SCOPE_ID });
  assert.deepEqual(plan.patches[0].api?.preAuthorizedApplications, [
    ...app.api.preAuthorizedApplications,
    { appId: CLIENT_ID, delegatedPermissionIds: [SCOPE_ID] },
  ]);
  assert.deepEqual(planPreAuthorization(server(), { clientAppId: CLIENT_ID, scopeId: SCOPE_ID }).patches, []);
});

Deno.test("server secret: kept when .env holds a live one (by hint), else added; rotation removes the old", () => {
  const app = server();
  const keep = planServerSecret(app, desired(), { envSecret: "Srv8Q~the-secret" });
  assert.deepEqual(keep, { add: false, removeKeyIds: [], changes: [] });
  assert.deepEqual(planServerSecret(app, desired(), {}).changes, [
    "add a Server app secret (none in .env)",
  ]);
  assert.equal(
    planServerSecret(app, desired(), { envSecret: "Xyz8Q~another" }).add,
    true,
    "not one of this app's secrets",
  );
  const expired = { ...app, passwordCredentials: [secret("k", "Srv", "2026-05-01T00:00:00Z")] };
  assert.equal(planServerSecret(expired, desired(), { envSecret: "Srv8Q~the-secret" }).add, true, "expired");
  const rotate = planServerSecret(app, desired({ rotateSecrets: true }), { envSecret: "Srv8Q~the-secret" });
  assert.deepEqual(rotate, {
    add: true,
    removeKeyIds: ["old-server-key"],
    changes: ["add a new Server app secret (rotation)"],
  });
  const certificate = planServerSecret(
    app,
    desired({ credentialKind: "certificate", rotateSecrets: true }),
    {},
  );
  assert.equal(certificate.add, false, "setup leaves certificate credentials alone");
});

Deno.test("client secret: kept while a live one exists, added otherwise or when rotating", () => {
  assert.equal(planClientSecret(client(), desired()).add, false);
  assert.equal(planClientSecret({ ...client(), passwordCredentials: [] }, desired()).add, true);
  const expired = { ...client(), passwordCredentials: [secret("k", "Cli", "2026-01-02T00:00:00Z")] };
  assert.equal(planClientSecret(expired, desired()).add, true);
  assert.deepEqual(planClientSecret(client(), desired({ rotateSecrets: true })).removeKeyIds, [
    "old-client-key",
  ]);
});

Deno.test("consent: none without the flag or when covered; update merges scopes; create when absent", () => {
  assert.equal(planConsent([], desired({ grantAdminConsent: false })).action, "none");
  assert.equal(planConsent([grant("User.Read Mail.Read offline_access")], desired()).action, "none");
  const update = planConsent([grant("User.Read Calendars.Read")], desired());
  assert.equal(update.action, "update");
  assert.equal(update.grantId, "grant");
  assert.equal(update.scope, "User.Read Calendars.Read Mail.Read");
  assert.deepEqual(planConsent([], desired()), {
    action: "create",
    scope: "User.Read Mail.Read",
    changes: ["grant tenant-wide admin consent for Microsoft Graph User.Read Mail.Read"],
  });
});

Deno.test(".env: only differing keys are written; BASE_URL from --base-url, else the file's, else the default", () => {
  const env = complete().envValues;
  const same = wantedEnvValues(desired(), env, { appId: SERVER_ID });
  assert.deepEqual(planEnvFile(env, same), { set: {}, changes: [] });
  const based = wantedEnvValues(desired({ baseUrl: "https://mcp.example.com" }), env, { appId: SERVER_ID });
  assert.deepEqual(planEnvFile(env, based).set, { BASE_URL: "https://mcp.example.com" });
  assert.equal(wantedEnvValues(desired(), {}, { appId: SERVER_ID }).BASE_URL, "http://localhost:8000");
  const endpoints = wantedEnvValues(
    desired({ endpointSettings: { GRAPH_BASE_URL: "http://127.0.0.1:1" } }),
    env,
    {
      appId: SERVER_ID,
    },
  );
  assert.deepEqual(planEnvFile(env, endpoints).set, { GRAPH_BASE_URL: "http://127.0.0.1:1" });
  const certificate = wantedEnvValues(desired({ credentialKind: "certificate" }), env, { appId: SERVER_ID });
  assert.equal("AZURE_CLIENT_SECRET" in certificate, false, "no secret next to a certificate");
});
