import assert from "node:assert/strict";
import { type EmulatorHandle, startEmulator } from "../../../src/emulator/mod.ts";
import { DEMO } from "../../../src/emulator/seed.ts";
import { GRAPH_APP_ID } from "../../../src/emulator/well_known.ts";
import { graphErrorOf, graphRequest, graphToken, seededUser, SETUP_SCOPES } from "./graph_token.ts";

async function adminToken(emulator: EmulatorHandle): Promise<string> {
  return await graphToken(emulator, seededUser(emulator, "admin"), { scopes: SETUP_SCOPES });
}

Deno.test("the Graph service principal is found by appId or name and lists its delegated scopes", async () => {
  await using emulator = await startEmulator();
  const token = await adminToken(emulator);
  for (
    const filter of [
      `appId eq '${GRAPH_APP_ID}'`,
      `servicePrincipalNames/any(c:c eq 'https://graph.microsoft.com')`,
      `displayName eq 'Microsoft Graph'`,
    ]
  ) {
    const response = await graphRequest(
      emulator,
      `/v1.0/servicePrincipals?$filter=${encodeURIComponent(filter)}`,
      {
        token,
      },
    );
    assert.equal(response.status, 200, filter);
    const body = await response.json();
    assert.equal(body["@odata.context"], `${emulator.url}/v1.0/$metadata#servicePrincipals`);
    assert.equal(body.value.length, 1, filter);
    const [graph] = body.value;
    assert.equal(graph.id, DEMO.graphServicePrincipalId);
    const ids = Object.fromEntries(
      graph.oauth2PermissionScopes.map((s: { value: string; id: string }) => [s.value, s.id]),
    );
    assert.equal(ids["User.Read"], "e1fe6dd8-ba31-4d61-89e7-88639da4683d");
    assert.equal(ids["Mail.Read"], "570282fd-fa5c-430d-a7fd-fc8dc98a9dca");
  }
  const byId = await graphRequest(emulator, `/v1.0/servicePrincipals/${DEMO.server.servicePrincipalId}`, {
    token,
  });
  assert.equal(byId.status, 200);
  const server = await byId.json();
  assert.equal(server["@odata.context"], `${emulator.url}/v1.0/$metadata#servicePrincipals/$entity`);
  assert.deepEqual(server.servicePrincipalNames, [DEMO.server.appId, `api://${DEMO.server.appId}`]);
  assert.equal(server.appOwnerOrganizationId, DEMO.tenantId);
  const byAppId = await graphRequest(emulator, `/v1.0/servicePrincipals(appId='${DEMO.client.appId}')`, {
    token,
  });
  assert.equal((await byAppId.json()).id, DEMO.client.servicePrincipalId);
  const missing = await graphErrorOf(
    await graphRequest(emulator, `/v1.0/servicePrincipals/${DEMO.server.appId}`, {
      token,
    }),
  );
  assert.equal(missing.status, 404);
  assert.equal(missing.code, "Request_ResourceNotFound");
});

Deno.test("POST /servicePrincipals creates one per application, mirroring its names and scopes", async () => {
  await using emulator = await startEmulator();
  const token = await adminToken(emulator);
  const scopeId = crypto.randomUUID();
  const app = await (await graphRequest(emulator, "/v1.0/applications", {
    token,
    method: "POST",
    body: {
      displayName: "SP test",
      identifierUris: [`api://${DEMO.tenantId}/sp-test`],
      api: {
        oauth2PermissionScopes: [{
          id: scopeId,
          value: "access_as_user",
          type: "User",
          isEnabled: true,
          adminConsentDisplayName: "Access",
          adminConsentDescription: "Access it.",
        }],
      },
    },
  })).json();
  const response = await graphRequest(emulator, "/v1.0/servicePrincipals", {
    token,
    method: "POST",
    body: { appId: app.appId },
  });
  assert.equal(response.status, 201);
  const sp = await response.json();
  assert.equal(sp["@odata.context"], `${emulator.url}/v1.0/$metadata#servicePrincipals/$entity`);
  assert.match(sp.id, /^[0-9a-f-]{36}$/);
  assert.notEqual(sp.id, app.id);
  assert.equal(sp.appId, app.appId);
  assert.equal(sp.displayName, "SP test");
  assert.deepEqual(sp.servicePrincipalNames, [app.appId, `api://${DEMO.tenantId}/sp-test`]);
  assert.deepEqual(sp.oauth2PermissionScopes.map((s: { id: string }) => s.id), [scopeId]);

  const patched = await graphRequest(emulator, `/v1.0/applications/${app.id}`, {
    token,
    method: "PATCH",
    body: { identifierUris: [`api://${app.appId}`] },
  });
  assert.equal(patched.status, 204);
  const synced = await (await graphRequest(emulator, `/v1.0/servicePrincipals/${sp.id}`, { token })).json();
  assert.deepEqual(
    synced.servicePrincipalNames,
    [app.appId, `api://${app.appId}`],
    "app updates reach the SP",
  );

  const second = await graphErrorOf(
    await graphRequest(emulator, "/v1.0/servicePrincipals", {
      token,
      method: "POST",
      body: { appId: app.appId },
    }),
  );
  assert.equal(second.status, 409);
  assert.equal(second.code, "Request_MultipleObjectsWithSameKeyValue");
  const graph = await graphErrorOf(
    await graphRequest(emulator, "/v1.0/servicePrincipals", {
      token,
      method: "POST",
      body: { appId: GRAPH_APP_ID },
    }),
  );
  assert.equal(graph.status, 409);
});

Deno.test("POST /servicePrincipals for an app that does not exist (yet) is NoBackingApplicationObject", async () => {
  await using emulator = await startEmulator();
  const token = await adminToken(emulator);
  const appId = crypto.randomUUID();
  const response = await graphRequest(emulator, "/v1.0/servicePrincipals", {
    token,
    method: "POST",
    body: { appId },
  });
  const error = await graphErrorOf(response);
  assert.equal(error.status, 400);
  assert.equal(error.code, "Request_BadRequest");
  const message =
    `The appId '${appId}' of the service principal does not reference a valid application object.`;
  assert.equal(error.message, message);
  assert.deepEqual((error.body.error as Record<string, unknown>).details, [
    { code: "NoBackingApplicationObject", message, target: "appId" },
  ]);
  assert.ok(error.headers.get("request-id"));
});

Deno.test("creating service principals needs admin rights; reading needs a read permission", async () => {
  await using emulator = await startEmulator();
  const user = await graphToken(emulator, seededUser(emulator, 0), { scopes: SETUP_SCOPES });
  const denied = await graphErrorOf(
    await graphRequest(emulator, "/v1.0/servicePrincipals", {
      token: user,
      method: "POST",
      body: { appId: DEMO.server.appId },
    }),
  );
  assert.equal(denied.status, 403);
  assert.equal(denied.code, "Authorization_RequestDenied");
  const profileOnly = await graphToken(emulator, seededUser(emulator, 0), { scopes: ["User.Read"] });
  const read = await graphErrorOf(
    await graphRequest(emulator, "/v1.0/servicePrincipals", { token: profileOnly }),
  );
  assert.equal(read.status, 403);
  assert.equal(read.code, "Authorization_RequestDenied");
});
