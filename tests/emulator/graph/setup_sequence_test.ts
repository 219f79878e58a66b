/** The app-registration sequence the setup tool runs, end to end against the emulated Graph. */
import assert from "node:assert/strict";
import { type EmulatorHandle, startEmulator } from "../../../src/emulator/mod.ts";
import { DEMO } from "../../../src/emulator/seed.ts";
import { GRAPH_APP_ID } from "../../../src/emulator/well_known.ts";
import { graphErrorOf, graphRequest, graphToken, seededUser, SETUP_SCOPES } from "./graph_token.ts";

const REPLICATION_DELAY_MS = 300;

/** Retries a request while it fails with `status`, as az does for replication errors (bounded). */
async function retryWhile(
  status: number,
  send: () => Promise<Response>,
): Promise<{ response: Response; failures: Array<Record<string, unknown>> }> {
  const failures: Array<Record<string, unknown>> = [];
  for (let attempt = 0; attempt < 40; attempt++) {
    const response = await send();
    if (response.status !== status) return { response, failures };
    failures.push(await response.json());
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`still ${status} after 40 attempts: ${JSON.stringify(failures.at(-1))}`);
}

interface Scope {
  id: string;
  value: string;
}

/** The parts of Graph's JSON this test reads. */
interface GraphObject {
  id: string;
  appId: string;
  value: GraphObject[];
  secretText: string;
  identifierUris: string[];
  servicePrincipalNames: string[];
  oauth2PermissionScopes: Scope[];
  api: {
    requestedAccessTokenVersion: number | null;
    oauth2PermissionScopes: Scope[];
    preAuthorizedApplications: unknown[];
  };
  requiredResourceAccess: Array<{ resourceAccess: unknown[] }>;
  passwordCredentials: Array<{ secretText: string | null }>;
}

async function json(response: Response, status: number): Promise<GraphObject> {
  const text = await response.text();
  assert.equal(response.status, status, text);
  return text === "" ? {} as GraphObject : JSON.parse(text);
}

function call(emulator: EmulatorHandle, token: string) {
  return (method: string, path: string, body?: unknown) =>
    graphRequest(emulator, path, { token, method, body });
}

Deno.test("setup tool sequence: create, wait for replication, configure, secret, consent", async () => {
  await using emulator = await startEmulator({ settings: { replicationDelayMs: REPLICATION_DELAY_MS } });
  const graph = call(
    emulator,
    await graphToken(emulator, seededUser(emulator, "admin"), { scopes: SETUP_SCOPES }),
  );
  const displayName = "Contoso MCP Server (setup test)";

  // 1. Idempotency lookup by name, then create.
  const existing = await json(
    await graph(
      "GET",
      `/v1.0/applications?$filter=${encodeURIComponent(`startswith(displayName,'${displayName}')`)}`,
    ),
    200,
  );
  assert.deepEqual(existing.value, []);
  const createdAt = Date.now();
  const app = await json(
    await graph("POST", "/v1.0/applications", { displayName, signInAudience: "AzureADMyOrg" }),
    201,
  );
  assert.equal(app.api.requestedAccessTokenVersion, null);

  // 2. The service principal cannot be created until the application has replicated.
  const sp = await retryWhile(400, () => graph("POST", "/v1.0/servicePrincipals", { appId: app.appId }));
  assert.ok(sp.failures.length >= 1, "the first attempt hits the replication delay");
  const firstFailure = sp.failures[0].error as {
    code: string;
    details: Array<{ code: string; target: string }>;
  };
  assert.equal(firstFailure.code, "Request_BadRequest");
  assert.deepEqual(firstFailure.details.map((d) => [d.code, d.target]), [[
    "NoBackingApplicationObject",
    "appId",
  ]]);
  const servicePrincipal = await json(sp.response, 201);
  assert.ok(Date.now() - createdAt >= REPLICATION_DELAY_MS - 5);

  // 3. Configure the API: identifier URI, v2 tokens and a scope, Graph permissions, the pre-authorized client.
  const scopeId = crypto.randomUUID();
  await json(
    await graph("PATCH", `/v1.0/applications/${app.id}`, { identifierUris: [`api://${app.appId}`] }),
    204,
  );
  await json(
    await graph("PATCH", `/v1.0/applications/${app.id}`, {
      api: {
        requestedAccessTokenVersion: 2,
        oauth2PermissionScopes: [{
          id: scopeId,
          value: "access_as_user",
          type: "User",
          isEnabled: true,
          adminConsentDisplayName: "Access the MCP server as the signed-in user",
          adminConsentDescription: "Allows the app to call the MCP server on behalf of the signed-in user.",
          userConsentDisplayName: "Access the MCP server as you",
          userConsentDescription: "Allows the app to call the MCP server on your behalf.",
        }],
      },
    }),
    204,
  );
  const graphSp = (await json(
    await graph("GET", `/v1.0/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${GRAPH_APP_ID}'`)}`),
    200,
  )).value[0];
  const graphScopeId = (value: string) => graphSp.oauth2PermissionScopes.find((s) => s.value === value)?.id;
  await json(
    await graph("PATCH", `/v1.0/applications/${app.id}`, {
      requiredResourceAccess: [{
        resourceAppId: GRAPH_APP_ID,
        resourceAccess: [
          { id: graphScopeId("User.Read"), type: "Scope" },
          { id: graphScopeId("Mail.Read"), type: "Scope" },
        ],
      }],
    }),
    204,
  );
  await json(
    await graph("PATCH", `/v1.0/applications/${app.id}`, {
      api: { preAuthorizedApplications: [{ appId: DEMO.client.appId, delegatedPermissionIds: [scopeId] }] },
    }),
    204,
  );

  // 4. A client secret, shown once.
  const secret = await json(
    await graph("POST", `/v1.0/applications/${app.id}/addPassword`, {
      passwordCredential: { displayName: "setup" },
    }),
    200,
  );
  assert.equal(secret.secretText.length, 40);

  // 5. Admin consent for Graph: the new service principal also has to replicate first.
  const grantBody = {
    clientId: servicePrincipal.id,
    consentType: "AllPrincipals",
    principalId: null,
    resourceId: graphSp.id,
    scope: "User.Read Mail.Read",
  };
  const grantAttempt = await retryWhile(400, () => graph("POST", "/v1.0/oauth2PermissionGrants", grantBody));
  const grant = await json(grantAttempt.response, 201);
  const duplicate = await graphErrorOf(await graph("POST", "/v1.0/oauth2PermissionGrants", grantBody));
  assert.equal(duplicate.status, 409);
  assert.equal(duplicate.code, "Request_MultipleObjectsWithSameKeyValue");
  await json(
    await graph("PATCH", `/v1.0/oauth2PermissionGrants/${grant.id}`, {
      scope: "User.Read Mail.Read offline_access",
    }),
    204,
  );

  // The result, as Graph and the identity endpoints (same directory) see it.
  const final = await json(await graph("GET", `/v1.0/applications(appId='${app.appId}')`), 200);
  assert.deepEqual(final.identifierUris, [`api://${app.appId}`]);
  assert.equal(final.api.requestedAccessTokenVersion, 2);
  assert.deepEqual(final.api.oauth2PermissionScopes.map((s) => s.id), [scopeId]);
  assert.deepEqual(final.api.preAuthorizedApplications, [
    { appId: DEMO.client.appId, delegatedPermissionIds: [scopeId] },
  ]);
  assert.equal(final.requiredResourceAccess[0].resourceAccess.length, 2);
  assert.equal(final.passwordCredentials[0].secretText, null);
  const finalSp = await json(await graph("GET", `/v1.0/servicePrincipals/${servicePrincipal.id}`), 200);
  assert.deepEqual(finalSp.servicePrincipalNames, [app.appId, `api://${app.appId}`]);
  assert.deepEqual(finalSp.oauth2PermissionScopes.map((s) => s.value), ["access_as_user"]);
  const { directory } = emulator.state;
  assert.equal(
    directory.applications.find((a) => a.id === app.id)?.passwordCredentials[0].secretText,
    secret.secretText,
  );
  assert.equal(
    directory.permissionGrants.find((g) => g.id === grant.id)?.scope,
    "User.Read Mail.Read offline_access",
  );
});

Deno.test("setup tool sequence without enough rights stops at the first write with 403", async () => {
  await using emulator = await startEmulator();
  const cases = {
    "a non-admin user": await graphToken(emulator, seededUser(emulator, 0), { scopes: SETUP_SCOPES }),
    "an admin with User.Read only": await graphToken(emulator, seededUser(emulator, "admin"), {
      scopes: ["User.Read"],
    }),
  };
  for (const [label, token] of Object.entries(cases)) {
    const graph = call(emulator, token);
    const created = await graphErrorOf(await graph("POST", "/v1.0/applications", { displayName: "Nope" }));
    assert.equal(created.status, 403, label);
    assert.equal(created.code, "Authorization_RequestDenied", label);
    assert.equal(created.message, "Insufficient privileges to complete the operation.");
    assert.ok(created.headers.get("request-id"));
  }
  assert.equal(emulator.state.directory.applications.length, 2);
});
