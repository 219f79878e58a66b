import assert from "node:assert/strict";
import { type EmulatorHandle, startEmulator } from "../../../src/emulator/mod.ts";
import { DEMO } from "../../../src/emulator/seed.ts";
import { graphErrorOf, graphRequest, graphToken, seededUser, SETUP_SCOPES } from "./graph_token.ts";

async function adminToken(emulator: EmulatorHandle): Promise<string> {
  return await graphToken(emulator, seededUser(emulator, "admin"), { scopes: SETUP_SCOPES });
}

async function createApp(
  emulator: EmulatorHandle,
  body: Record<string, unknown>,
): Promise<Record<string, unknown> & { id: string; appId: string }> {
  const response = await graphRequest(emulator, "/v1.0/applications", {
    token: await adminToken(emulator),
    method: "POST",
    body,
  });
  assert.equal(response.status, 201, JSON.stringify(await response.clone().json()));
  return await response.json();
}

function scope(id: string, value: string, isEnabled = true) {
  return {
    id,
    value,
    type: "User",
    isEnabled,
    adminConsentDisplayName: `Use ${value}`,
    adminConsentDescription: `Allows ${value}.`,
    userConsentDisplayName: null,
    userConsentDescription: null,
  };
}

Deno.test("POST /applications creates an app with Graph's defaults and never shows secrets", async () => {
  await using emulator = await startEmulator();
  const created = await createApp(emulator, {
    displayName: "Setup Test API",
    signInAudience: "AzureADMyOrg",
  });
  assert.equal(created["@odata.context"], `${emulator.url}/v1.0/$metadata#applications/$entity`);
  assert.match(created.id, /^[0-9a-f-]{36}$/);
  assert.match(created.appId, /^[0-9a-f-]{36}$/);
  assert.notEqual(created.id, created.appId);
  assert.equal(created.displayName, "Setup Test API");
  assert.equal(created.signInAudience, "AzureADMyOrg");
  assert.match(created.createdDateTime as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  assert.deepEqual(created.identifierUris, []);
  assert.deepEqual(created.api, {
    acceptMappedClaims: null,
    knownClientApplications: [],
    requestedAccessTokenVersion: null,
    oauth2PermissionScopes: [],
    preAuthorizedApplications: [],
  });
  assert.deepEqual(created.passwordCredentials, []);
  assert.deepEqual(created.keyCredentials, []);
  assert.deepEqual(created.requiredResourceAccess, []);
  assert.equal("replicatedAtMs" in created, false);
  assert.equal("federatedIdentityCredentials" in created, false);
  const defaulted = await createApp(emulator, { displayName: "No audience given" });
  assert.equal(defaulted.signInAudience, "AzureADandPersonalMicrosoftAccount");

  const token = await adminToken(emulator);
  const seeded = await (await graphRequest(emulator, `/v1.0/applications/${DEMO.server.objectId}`, { token }))
    .json();
  assert.equal(seeded.passwordCredentials.length, 1);
  assert.equal(seeded.passwordCredentials[0].secretText, null);
  assert.equal(seeded.passwordCredentials[0].hint, DEMO.server.secret.slice(0, 3));
  assert.equal(JSON.stringify(seeded).includes(DEMO.server.secret), false);
});

Deno.test("POST /applications validates the body like Graph", async () => {
  await using emulator = await startEmulator();
  const token = await adminToken(emulator);
  const cases: Array<[unknown, string]> = [
    [{ signInAudience: "AzureADMyOrg" }, "displayName"],
    [{ displayName: "" }, "displayName"],
    [{ displayName: "x", signInAudience: "Everyone" }, "signInAudience"],
    [{ displayName: "x", appId: crypto.randomUUID() }, "appId"],
    [{ displayName: "x", passwordCredentials: [] }, "passwordCredentials"],
    [{ displayName: "x", favouriteColour: "blue" }, "favouriteColour"],
    [{ displayName: "x", tags: ["a"] }, "tags"],
    [{ displayName: "x", web: { redirectUris: ["http://example.com/cb"] } }, "redirectUris"],
  ];
  for (const [body, property] of cases) {
    const error = await graphErrorOf(
      await graphRequest(emulator, "/v1.0/applications", { token, method: "POST", body }),
    );
    assert.equal(error.status, 400, JSON.stringify(body));
    assert.equal(error.code, "Request_BadRequest", JSON.stringify(body));
    assert.ok(error.message.includes(property), `${error.message} names ${property}`);
  }
  const notJson = await graphErrorOf(
    await fetch(`${emulator.url}/v1.0/applications`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: "{displayName:",
    }),
  );
  assert.equal(notJson.status, 400);
  assert.equal(notJson.code, "BadRequest");
  const withAnnotation = await graphRequest(emulator, "/v1.0/applications", {
    token,
    method: "POST",
    body: { "@odata.type": "#microsoft.graph.application", displayName: "From an SDK" },
  });
  assert.equal(withAnnotation.status, 201, "SDK type annotations are accepted");
  await withAnnotation.body?.cancel();
});

Deno.test("writing applications needs Application.ReadWrite.All and an administrator", async () => {
  await using emulator = await startEmulator();
  const body = { displayName: "Not allowed" };
  const tokens = {
    "admin with User.Read only": await graphToken(emulator, seededUser(emulator, "admin"), {
      scopes: ["User.Read"],
    }),
    "admin with Application.Read.All": await graphToken(emulator, seededUser(emulator, "admin"), {
      scopes: ["Application.Read.All"],
    }),
    "non-admin with Application.ReadWrite.All": await graphToken(emulator, seededUser(emulator, 0), {
      scopes: SETUP_SCOPES,
    }),
  };
  for (const [label, token] of Object.entries(tokens)) {
    const error = await graphErrorOf(
      await graphRequest(emulator, "/v1.0/applications", { token, method: "POST", body }),
    );
    assert.equal(error.status, 403, label);
    assert.equal(error.code, "Authorization_RequestDenied", label);
    assert.equal(error.message, "Insufficient privileges to complete the operation.");
    const patch = await graphErrorOf(
      await graphRequest(emulator, `/v1.0/applications/${DEMO.server.objectId}`, {
        token,
        method: "PATCH",
        body: { displayName: "Hijacked" },
      }),
    );
    assert.equal(patch.status, 403, label);
  }
  assert.equal(emulator.state.directory.applications.length, 2, "nothing was created");
  assert.equal(emulator.state.directory.applications[0].displayName, DEMO.server.displayName);
  const appOnly = await graphToken(emulator, null, { roles: ["Application.ReadWrite.All"] });
  const created = await graphRequest(emulator, "/v1.0/applications", {
    token: appOnly,
    method: "POST",
    body,
  });
  assert.equal(created.status, 201, "an app-only token with the role needs no user role");
  await created.body?.cancel();
});

Deno.test("reading applications needs an application or directory read permission", async () => {
  await using emulator = await startEmulator();
  const user = seededUser(emulator, 0);
  const denied = await graphErrorOf(
    await graphRequest(emulator, "/v1.0/applications", {
      token: await graphToken(emulator, user, { scopes: ["User.Read"] }),
    }),
  );
  assert.equal(denied.status, 403);
  assert.equal(denied.code, "Authorization_RequestDenied");
  for (const permission of ["Application.Read.All", "Directory.Read.All"]) {
    const token = await graphToken(emulator, user, { scopes: [permission] });
    const response = await graphRequest(emulator, "/v1.0/applications", { token });
    assert.equal(response.status, 200, permission);
    const body = await response.json();
    assert.equal(body["@odata.context"], `${emulator.url}/v1.0/$metadata#applications`);
    assert.equal(body.value.length, 2);
  }
});

Deno.test("$filter supports Graph's directory clauses with quote escaping", async () => {
  await using emulator = await startEmulator();
  const token = await adminToken(emulator);
  const quoted = await createApp(emulator, { displayName: "O'Brien's API" });
  const list = async (filter: string) => {
    const response = await graphRequest(
      emulator,
      `/v1.0/applications?$filter=${encodeURIComponent(filter)}`,
      {
        token,
      },
    );
    assert.equal(response.status, 200, filter);
    return (await response.json()).value.map((a: { displayName: string }) => a.displayName).sort();
  };
  assert.deepEqual(await list(`displayName eq '${DEMO.server.displayName}'`), [DEMO.server.displayName]);
  assert.deepEqual(await list(`displayName eq 'obot obo demo server'`), [DEMO.server.displayName]);
  assert.deepEqual(await list(`startswith(displayName,'Obot OBO')`), [
    DEMO.client.displayName,
    DEMO.server.displayName,
  ]);
  assert.deepEqual(await list(`displayName eq 'O''Brien''s API'`), [quoted.displayName]);
  assert.deepEqual(await list(`appId eq '${DEMO.client.appId}'`), [DEMO.client.displayName]);
  assert.deepEqual(await list(`identifierUris/any(s:s eq 'api://${DEMO.server.appId}')`), [
    DEMO.server.displayName,
  ]);
  assert.deepEqual(
    await list(`startswith(displayName,'Obot') and appId eq '${DEMO.server.appId}'`),
    [DEMO.server.displayName],
  );
  assert.deepEqual(await list(`displayName eq 'nothing like this'`), []);

  for (const filter of [`endswith(displayName,'API')`, `displayName ne 'x'`, `notes eq 'x'`]) {
    const error = await graphErrorOf(
      await graphRequest(emulator, `/v1.0/applications?$filter=${encodeURIComponent(filter)}`, { token }),
    );
    assert.equal(error.status, 400, filter);
    assert.equal(error.code, "Request_UnsupportedQuery", filter);
  }
  for (const filter of [`displayName eq`, `appId eq ${DEMO.server.appId}`, `displayName eq 'open`]) {
    const error = await graphErrorOf(
      await graphRequest(emulator, `/v1.0/applications?$filter=${encodeURIComponent(filter)}`, { token }),
    );
    assert.equal(error.status, 400, filter);
    assert.equal(error.code, "BadRequest", filter);
  }
});

Deno.test("$select and $top shape application lists and entities", async () => {
  await using emulator = await startEmulator();
  const token = await adminToken(emulator);
  const selected =
    await (await graphRequest(emulator, "/v1.0/applications?$select=appId,displayName&$top=1", {
      token,
    })).json();
  assert.equal(selected["@odata.context"], `${emulator.url}/v1.0/$metadata#applications(appId,displayName)`);
  assert.deepEqual(selected.value, [{ appId: DEMO.server.appId, displayName: DEMO.server.displayName }]);
  assert.ok(selected["@odata.nextLink"].startsWith(`${emulator.url}/v1.0/applications?`));
  const next = await (await graphRequest(emulator, selected["@odata.nextLink"], { token })).json();
  assert.deepEqual(next.value, [{ appId: DEMO.client.appId, displayName: DEMO.client.displayName }]);
  assert.equal(next["@odata.nextLink"], undefined);

  const entity = await (await graphRequest(
    emulator,
    `/v1.0/applications/${DEMO.server.objectId}?$select=identifierUris`,
    { token },
  )).json();
  assert.deepEqual(entity, {
    "@odata.context": `${emulator.url}/v1.0/$metadata#applications(identifierUris)/$entity`,
    identifierUris: [`api://${DEMO.server.appId}`],
  });
  const unknown = await graphErrorOf(
    await graphRequest(emulator, "/v1.0/applications?$select=secret", { token }),
  );
  assert.equal(unknown.status, 400);
  assert.equal(unknown.code, "Request_BadRequest");
  for (const top of ["0", "1000"]) {
    const badTop = await graphErrorOf(
      await graphRequest(emulator, `/v1.0/applications?$top=${top}`, { token }),
    );
    assert.equal(badTop.status, 400, top);
  }
});

Deno.test("GET by object ID or appId alternate key; an appId is not an object ID", async () => {
  await using emulator = await startEmulator();
  const token = await adminToken(emulator);
  for (const path of [`applications/${DEMO.client.objectId}`, `applications(appId='${DEMO.client.appId}')`]) {
    const response = await graphRequest(emulator, `/v1.0/${path}`, { token });
    assert.equal(response.status, 200, path);
    assert.equal((await response.json()).id, DEMO.client.objectId);
  }
  const byAppId = await graphErrorOf(
    await graphRequest(emulator, `/v1.0/applications/${DEMO.client.appId}`, { token }),
  );
  assert.equal(byAppId.status, 404);
  assert.equal(byAppId.code, "Request_ResourceNotFound");
  assert.equal(
    byAppId.message,
    `Resource '${DEMO.client.appId}' does not exist or one of its queried reference-property objects are not present.`,
  );
});

Deno.test("a new application is invisible to reads and updates until it has replicated", async () => {
  await using emulator = await startEmulator({ settings: { replicationDelayMs: 400 } });
  const token = await adminToken(emulator);
  const created = await createApp(emulator, { displayName: "Eventually Consistent" });
  for (
    const [method, path, body] of [
      ["GET", `/v1.0/applications/${created.id}`, undefined],
      ["GET", `/v1.0/applications(appId='${created.appId}')`, undefined],
      ["PATCH", `/v1.0/applications/${created.id}`, { identifierUris: [`api://${created.appId}`] }],
      ["POST", `/v1.0/applications/${created.id}/addPassword`, {}],
    ] as const
  ) {
    const error = await graphErrorOf(await graphRequest(emulator, path, { token, method, body }));
    assert.equal(error.status, 404, `${method} ${path}`);
    assert.equal(error.code, "Request_ResourceNotFound");
  }
  const list = await (await graphRequest(
    emulator,
    `/v1.0/applications?$filter=${encodeURIComponent(`appId eq '${created.appId}'`)}`,
    { token },
  )).json();
  assert.deepEqual(list.value, [], "lists lag too");
  await new Promise((resolve) => setTimeout(resolve, 450));
  const later = await graphRequest(emulator, `/v1.0/applications/${created.id}`, { token });
  assert.equal(later.status, 200);
  await later.body?.cancel();
});

Deno.test("PATCH identifierUris enforces the AppId URI policy and uniqueness", async () => {
  await using emulator = await startEmulator();
  const token = await adminToken(emulator);
  const app = await createApp(emulator, { displayName: "URI test", signInAudience: "AzureADMyOrg" });
  const patch = (identifierUris: string[]) =>
    graphRequest(emulator, `/v1.0/applications/${app.id}`, {
      token,
      method: "PATCH",
      body: { identifierUris },
    });
  for (
    const uris of [
      [`api://${app.appId}`],
      [`api://${DEMO.tenantId}/mcp-server`],
      [`api://mcp-server/${app.appId}`],
      [`https://${DEMO.domain}/mcp`],
      ["https://contoso.com/mcp"],
      ["https://mcp.contoso.com"],
    ]
  ) {
    const response = await patch(uris);
    assert.equal(response.status, 204, uris[0]);
    assert.equal(await response.text(), "");
  }
  for (
    const uri of [
      "api://mcp-server",
      `api://${crypto.randomUUID()}`,
      "https://example.com/mcp",
      "https://contoso.com",
      "http://contoso.com/mcp",
      `https://sub.${DEMO.domain}/x`,
    ]
  ) {
    const error = await graphErrorOf(await patch([uri]));
    assert.equal(error.status, 400, uri);
    assert.equal(error.code, "HostNameNotOnVerifiedDomain", uri);
  }
  const taken = await graphErrorOf(await patch([`api://${DEMO.tenantId}/x`, `api://${DEMO.tenantId}/x/`]));
  assert.equal(taken.status, 400);
  assert.equal(taken.code, "Request_BadRequest");
  const stored = emulator.state.directory.applications.find((a) => a.id === app.id)!;
  assert.deepEqual(stored.identifierUris, ["https://mcp.contoso.com"], "a refused PATCH changes nothing");
  const other = await createApp(emulator, { displayName: "URI thief" });
  const stolen = await graphErrorOf(
    await graphRequest(emulator, `/v1.0/applications/${other.id}`, {
      token,
      method: "PATCH",
      body: { identifierUris: ["https://MCP.contoso.com/"] },
    }),
  );
  assert.equal(stolen.status, 400, "another app already uses the URI");
  assert.equal(stolen.code, "Request_BadRequest");
  assert.match(stolen.message, /identifierUris/);
});

Deno.test("an enabled scope cannot be changed or removed until it is disabled", async () => {
  await using emulator = await startEmulator();
  const token = await adminToken(emulator);
  const app = await createApp(emulator, { displayName: "Scope test" });
  const scopeId = crypto.randomUUID();
  const patchScopes = (scopes: unknown[], extra: Record<string, unknown> = {}) =>
    graphRequest(emulator, `/v1.0/applications/${app.id}`, {
      token,
      method: "PATCH",
      body: { api: { oauth2PermissionScopes: scopes, ...extra } },
    });
  assert.equal((await patchScopes([scope(scopeId, "access_as_user")])).status, 204);
  const renamed = await graphErrorOf(await patchScopes([scope(scopeId, "access_as_admin")]));
  assert.equal(renamed.status, 400);
  assert.equal(renamed.code, "CannotDeleteOrUpdateEnabledEntitlement");
  const removed = await graphErrorOf(await patchScopes([]));
  assert.equal(removed.status, 400);
  assert.equal(removed.code, "CannotDeleteOrUpdateEnabledEntitlement");
  assert.equal((await patchScopes([scope(scopeId, "access_as_user", false)])).status, 204, "disable first");
  assert.equal((await patchScopes([])).status, 204, "then remove");
  const duplicate = await graphErrorOf(
    await patchScopes([scope(crypto.randomUUID(), "read"), scope(crypto.randomUUID(), "READ")]),
  );
  assert.equal(duplicate.status, 400);
  assert.equal(duplicate.code, "Request_BadRequest");
  const spaced = await graphErrorOf(await patchScopes([scope(crypto.randomUUID(), "two words")]));
  assert.equal(spaced.status, 400);
});

Deno.test("preAuthorizedApplications must reference the app's own scope IDs", async () => {
  await using emulator = await startEmulator();
  const token = await adminToken(emulator);
  const app = await createApp(emulator, { displayName: "Pre-auth test" });
  const scopeId = crypto.randomUUID();
  const dangling = await graphErrorOf(
    await graphRequest(emulator, `/v1.0/applications/${app.id}`, {
      token,
      method: "PATCH",
      body: {
        api: { preAuthorizedApplications: [{ appId: DEMO.client.appId, delegatedPermissionIds: [scopeId] }] },
      },
    }),
  );
  assert.equal(dangling.status, 400);
  assert.equal(dangling.code, "Request_BadRequest");
  const together = await graphRequest(emulator, `/v1.0/applications/${app.id}`, {
    token,
    method: "PATCH",
    body: {
      api: {
        requestedAccessTokenVersion: 2,
        oauth2PermissionScopes: [scope(scopeId, "access_as_user")],
        preAuthorizedApplications: [{ appId: DEMO.client.appId, delegatedPermissionIds: [scopeId] }],
      },
    },
  });
  assert.equal(together.status, 204);
  const versionOnly = await graphRequest(emulator, `/v1.0/applications/${app.id}`, {
    token,
    method: "PATCH",
    body: { api: { requestedAccessTokenVersion: 2 } },
  });
  assert.equal(versionOnly.status, 204);
  const stored = await (await graphRequest(emulator, `/v1.0/applications/${app.id}`, { token })).json();
  assert.equal(stored.api.requestedAccessTokenVersion, 2);
  assert.equal(stored.api.oauth2PermissionScopes.length, 1, "patching one api property keeps the others");
  assert.deepEqual(stored.api.preAuthorizedApplications, [
    { appId: DEMO.client.appId, delegatedPermissionIds: [scopeId] },
  ]);
});

Deno.test("DELETE removes the application, its service principal and their grants", async () => {
  await using emulator = await startEmulator();
  const token = await adminToken(emulator);
  const response = await graphRequest(emulator, `/v1.0/applications/${DEMO.server.objectId}`, {
    token,
    method: "DELETE",
  });
  assert.equal(response.status, 204);
  assert.ok(response.headers.get("request-id"));
  const gone = await graphErrorOf(
    await graphRequest(emulator, `/v1.0/applications/${DEMO.server.objectId}`, { token }),
  );
  assert.equal(gone.status, 404);
  const { directory } = emulator.state;
  assert.equal(directory.servicePrincipals.some((sp) => sp.appId === DEMO.server.appId), false);
  assert.equal(directory.permissionGrants.some((g) => g.clientId === DEMO.server.servicePrincipalId), false);
  const again = await graphErrorOf(
    await graphRequest(emulator, `/v1.0/applications/${DEMO.server.objectId}`, { token, method: "DELETE" }),
  );
  assert.equal(again.status, 404);
  assert.equal(again.code, "Request_ResourceNotFound");
});
