import assert from "node:assert/strict";
import { startEmulator } from "../../../src/emulator/mod.ts";
import { graphErrorOf, graphRequest, graphToken, seededUser } from "./graph_token.ts";

Deno.test("GET /me returns the signed-in user's default property set", async () => {
  await using emulator = await startEmulator();
  const user = seededUser(emulator, 0);
  const token = await graphToken(emulator, user, { scopes: ["User.Read", "Mail.Read"] });
  const response = await graphRequest(emulator, "/v1.0/me", { token });
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), {
    "@odata.context": `${emulator.url}/v1.0/$metadata#users/$entity`,
    businessPhones: user.businessPhones,
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
  });
});

Deno.test("GET /me honours $select (case-insensitively) and names it in the context", async () => {
  await using emulator = await startEmulator();
  const user = seededUser(emulator, 1);
  const token = await graphToken(emulator, user, { scopes: ["User.Read"] });
  const body = await (await graphRequest(emulator, "/v1.0/me?$select=displayName,MAIL", { token })).json();
  assert.deepEqual(body, {
    "@odata.context": `${emulator.url}/v1.0/$metadata#users(displayName,mail)/$entity`,
    displayName: user.displayName,
    mail: user.mail,
  });
  const unknown = await graphErrorOf(await graphRequest(emulator, "/v1.0/me?$select=shoeSize", { token }));
  assert.equal(unknown.status, 400);
  assert.equal(unknown.code, "BadRequest");
  assert.match(unknown.message, /shoeSize/);
});

Deno.test("GET /me without a user-read scope is 403 Authorization_RequestDenied", async () => {
  await using emulator = await startEmulator();
  const token = await graphToken(emulator, seededUser(emulator, 0), { scopes: ["Mail.Read"] });
  const error = await graphErrorOf(await graphRequest(emulator, "/v1.0/me", { token }));
  assert.equal(error.status, 403);
  assert.equal(error.code, "Authorization_RequestDenied");
  assert.equal(error.message, "Insufficient privileges to complete the operation.");
  assert.ok(error.headers.get("request-id"));
  assert.equal(error.headers.get("www-authenticate"), null, "a 403 is not an authentication challenge");
});

Deno.test("GET /me with an app-only token is 400: there is no signed-in user", async () => {
  await using emulator = await startEmulator();
  const token = await graphToken(emulator, null, { roles: ["User.Read.All"] });
  const error = await graphErrorOf(await graphRequest(emulator, "/v1.0/me", { token }));
  assert.equal(error.status, 400);
  assert.equal(error.code, "BadRequest");
  assert.equal(error.message, "/me request is only valid with delegated authentication flow.");
});

Deno.test("GET /me for a user deleted after the token was issued is 404", async () => {
  await using emulator = await startEmulator();
  const user = seededUser(emulator, 3);
  const token = await graphToken(emulator, user, { scopes: ["User.Read"] });
  emulator.state.directory.users = emulator.state.directory.users.filter((u) => u !== user);
  const error = await graphErrorOf(await graphRequest(emulator, "/v1.0/me", { token }));
  assert.equal(error.status, 404);
  assert.equal(error.code, "Request_ResourceNotFound");
  assert.match(error.message, new RegExp(user.id));
});

Deno.test("GET /users/{id|upn} needs a tenant-wide read permission except for oneself", async () => {
  await using emulator = await startEmulator();
  const reader = seededUser(emulator, 0);
  const other = seededUser(emulator, 1);
  const basic = await graphToken(emulator, reader, { scopes: ["User.Read"] });
  const denied = await graphErrorOf(
    await graphRequest(emulator, `/v1.0/users/${other.id}`, { token: basic }),
  );
  assert.equal(denied.status, 403);
  assert.equal(denied.code, "Authorization_RequestDenied");
  const self = await graphRequest(emulator, `/v1.0/users/${reader.userPrincipalName}`, { token: basic });
  assert.equal(self.status, 200);
  assert.equal((await self.json()).id, reader.id);

  const all = await graphToken(emulator, reader, { scopes: ["User.ReadBasic.All"] });
  for (const key of [other.id, other.userPrincipalName.toUpperCase()]) {
    const response = await graphRequest(emulator, `/v1.0/users/${key}`, { token: all });
    assert.equal(response.status, 200, key);
    const body = await response.json();
    assert.equal(body["@odata.context"], `${emulator.url}/v1.0/$metadata#users/$entity`);
    assert.equal(body.id, other.id);
    assert.equal(body.userPrincipalName, other.userPrincipalName);
  }
  const missing = await graphErrorOf(
    await graphRequest(emulator, "/v1.0/users/nobody@contoso.onmicrosoft.com", { token: all }),
  );
  assert.equal(missing.status, 404);
  assert.equal(missing.code, "Request_ResourceNotFound");
});

Deno.test("Graph paths are case-insensitive, as on graph.microsoft.com", async () => {
  await using emulator = await startEmulator();
  const user = seededUser(emulator, 0);
  const token = await graphToken(emulator, user, { scopes: ["User.Read"] });
  const response = await graphRequest(emulator, "/v1.0/Me", { token });
  assert.equal(response.status, 200);
  assert.equal((await response.json()).displayName, user.displayName);
});
