import assert from "node:assert/strict";
import { permissionGrantId } from "../../../src/emulator/directory.ts";
import { type EmulatorHandle, startEmulator } from "../../../src/emulator/mod.ts";
import { DEMO } from "../../../src/emulator/seed.ts";
import { graphErrorOf, graphRequest, graphToken, seededUser, SETUP_SCOPES } from "./graph_token.ts";

async function adminToken(emulator: EmulatorHandle): Promise<string> {
  return await graphToken(emulator, seededUser(emulator, "admin"), { scopes: SETUP_SCOPES });
}

const GRANTS = "/v1.0/oauth2PermissionGrants";

Deno.test("grants are filtered by clientId, resourceId and consentType combined with and", async () => {
  await using emulator = await startEmulator();
  const token = await adminToken(emulator);
  const filter =
    `clientId eq '${DEMO.server.servicePrincipalId}' and resourceId eq '${DEMO.graphServicePrincipalId}'` +
    ` and consentType eq 'AllPrincipals'`;
  const response = await graphRequest(emulator, `${GRANTS}?$filter=${encodeURIComponent(filter)}`, { token });
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.equal(body["@odata.context"], `${emulator.url}/v1.0/$metadata#oauth2PermissionGrants`);
  assert.deepEqual(body.value, [{
    clientId: DEMO.server.servicePrincipalId,
    consentType: "AllPrincipals",
    id: permissionGrantId(DEMO.server.servicePrincipalId, DEMO.graphServicePrincipalId),
    principalId: null,
    resourceId: DEMO.graphServicePrincipalId,
    scope: "User.Read Mail.Read",
  }]);
  const principal = await (await graphRequest(
    emulator,
    `${GRANTS}?$filter=${encodeURIComponent("consentType eq 'Principal'")}`,
    { token },
  )).json();
  assert.deepEqual(principal.value, []);
  const all = await (await graphRequest(emulator, GRANTS, { token })).json();
  assert.equal(all.value.length, emulator.state.directory.permissionGrants.length);
});

Deno.test("a Principal grant is created for one user, and a duplicate is 409", async () => {
  await using emulator = await startEmulator();
  const token = await adminToken(emulator);
  const user = seededUser(emulator, 1);
  const body = {
    clientId: DEMO.client.servicePrincipalId,
    consentType: "Principal",
    principalId: user.id,
    resourceId: DEMO.graphServicePrincipalId,
    scope: "User.Read",
  };
  const response = await graphRequest(emulator, GRANTS, { token, method: "POST", body });
  assert.equal(response.status, 201);
  const grant = await response.json();
  assert.equal(grant["@odata.context"], `${emulator.url}/v1.0/$metadata#oauth2PermissionGrants/$entity`);
  assert.equal(
    grant.id,
    permissionGrantId(DEMO.client.servicePrincipalId, DEMO.graphServicePrincipalId, user.id),
  );
  assert.equal(grant.principalId, user.id);
  const duplicate = await graphErrorOf(await graphRequest(emulator, GRANTS, { token, method: "POST", body }));
  assert.equal(duplicate.status, 409);
  assert.equal(duplicate.code, "Request_MultipleObjectsWithSameKeyValue");
  assert.equal(duplicate.message, "Permission entry already exists.");
  const fetched = await graphRequest(emulator, `${GRANTS}/${grant.id}`, { token });
  assert.equal(fetched.status, 200);
  assert.equal((await fetched.json()).scope, "User.Read");
});

Deno.test("grant bodies must name existing service principals, users and scopes", async () => {
  await using emulator = await startEmulator();
  const token = await adminToken(emulator);
  const valid = {
    clientId: DEMO.client.servicePrincipalId,
    consentType: "AllPrincipals",
    resourceId: DEMO.graphServicePrincipalId,
    scope: "User.Read",
  };
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ ...valid, clientId: crypto.randomUUID() }, "clientId"],
    [{ ...valid, resourceId: crypto.randomUUID() }, "resourceId"],
    [{ ...valid, scope: "User.Read Mail.ReadEverything" }, "scope"],
    [{ ...valid, consentType: "Principal" }, "principalId"],
    [{ ...valid, consentType: "Principal", principalId: crypto.randomUUID() }, "principalId"],
    [{ ...valid, principalId: seededUser(emulator, 0).id }, "principalId"],
    [{ ...valid, consentType: "Everyone" }, "consentType"],
  ];
  for (const [body, property] of cases) {
    const error = await graphErrorOf(await graphRequest(emulator, GRANTS, { token, method: "POST", body }));
    assert.equal(error.status, 400, JSON.stringify(body));
    assert.equal(error.code, "Request_BadRequest");
    assert.match(error.message, new RegExp(property));
  }
});

Deno.test("PATCH changes a grant's scope and DELETE removes it; unknown ids are 404", async () => {
  await using emulator = await startEmulator();
  const token = await adminToken(emulator);
  const id = permissionGrantId(DEMO.server.servicePrincipalId, DEMO.graphServicePrincipalId);
  const patched = await graphRequest(emulator, `${GRANTS}/${id}`, {
    token,
    method: "PATCH",
    body: { scope: "User.Read" },
  });
  assert.equal(patched.status, 204);
  await patched.body?.cancel();
  const stored = () => emulator.state.directory.permissionGrants.find((g) => g.id === id);
  assert.equal(stored()?.scope, "User.Read", "the identity endpoints see the change at once");
  const readOnly = await graphErrorOf(
    await graphRequest(emulator, `${GRANTS}/${id}`, {
      token,
      method: "PATCH",
      body: { clientId: DEMO.client.appId },
    }),
  );
  assert.equal(readOnly.status, 400);
  const deleted = await graphRequest(emulator, `${GRANTS}/${id}`, { token, method: "DELETE" });
  assert.equal(deleted.status, 204);
  await deleted.body?.cancel();
  assert.equal(stored(), undefined);
  const missing = await graphErrorOf(
    await graphRequest(emulator, `${GRANTS}/${id}`, { token, method: "DELETE" }),
  );
  assert.equal(missing.status, 404);
  assert.equal(missing.code, "Request_ResourceNotFound");
});

Deno.test("grant writes need DelegatedPermissionGrant.ReadWrite.All and an administrator", async () => {
  await using emulator = await startEmulator();
  const body = {
    clientId: DEMO.client.servicePrincipalId,
    consentType: "AllPrincipals",
    resourceId: DEMO.graphServicePrincipalId,
    scope: "User.Read",
  };
  const tokens = [
    await graphToken(emulator, seededUser(emulator, "admin"), { scopes: ["Application.ReadWrite.All"] }),
    await graphToken(emulator, seededUser(emulator, 0), { scopes: SETUP_SCOPES }),
  ];
  for (const token of tokens) {
    const error = await graphErrorOf(await graphRequest(emulator, GRANTS, { token, method: "POST", body }));
    assert.equal(error.status, 403);
    assert.equal(error.code, "Authorization_RequestDenied");
  }
  const reader = await graphToken(emulator, seededUser(emulator, 0), { scopes: ["User.Read"] });
  const read = await graphErrorOf(await graphRequest(emulator, GRANTS, { token: reader }));
  assert.equal(read.status, 403);
  const directoryReader = await graphToken(emulator, seededUser(emulator, 0), {
    scopes: ["Directory.Read.All"],
  });
  const allowed = await graphRequest(emulator, GRANTS, { token: directoryReader });
  assert.equal(allowed.status, 200);
  await allowed.body?.cancel();
});
