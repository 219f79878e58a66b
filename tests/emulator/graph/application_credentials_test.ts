import assert from "node:assert/strict";
import { type EmulatorHandle, startEmulator } from "../../../src/emulator/mod.ts";
import { DEMO } from "../../../src/emulator/seed.ts";
import { createSelfSignedCertificate } from "../../../src/emulator/self_signed_certificate.ts";
import { graphErrorOf, graphRequest, graphToken, seededUser, SETUP_SCOPES } from "./graph_token.ts";

async function adminToken(emulator: EmulatorHandle): Promise<string> {
  return await graphToken(emulator, seededUser(emulator, "admin"), { scopes: SETUP_SCOPES });
}

const SERVER = `/v1.0/applications/${DEMO.server.objectId}`;

Deno.test("addPassword returns a new Entra-style secret once; reads only show its hint", async () => {
  await using emulator = await startEmulator();
  const token = await adminToken(emulator);
  const before = Date.now();
  const response = await graphRequest(emulator, `${SERVER}/addPassword`, {
    token,
    method: "POST",
    body: { passwordCredential: { displayName: "setup" } },
  });
  assert.equal(response.status, 200);
  const added = await response.json();
  assert.equal(added["@odata.context"], `${emulator.url}/v1.0/$metadata#microsoft.graph.passwordCredential`);
  assert.equal(added.customKeyIdentifier, null);
  assert.equal(added.displayName, "setup");
  assert.match(added.secretText, /^[A-Za-z0-9~._-]{3}8Q~[A-Za-z0-9~._-]{34}$/);
  assert.equal(added.hint, added.secretText.slice(0, 3));
  assert.match(added.keyId, /^[0-9a-f-]{36}$/);
  const start = Date.parse(added.startDateTime);
  assert.ok(start >= before - 1000 && start <= Date.now());
  const end = new Date(added.startDateTime);
  end.setUTCFullYear(end.getUTCFullYear() + 2);
  assert.equal(Date.parse(added.endDateTime), end.getTime(), "default lifetime is two years");

  const app = await (await graphRequest(emulator, SERVER, { token })).json();
  const listed = app.passwordCredentials.find((c: { keyId: string }) => c.keyId === added.keyId);
  const { "@odata.context": _context, ...credential } = added;
  assert.deepEqual(listed, { ...credential, secretText: null });
  assert.equal(JSON.stringify(app).includes(added.secretText), false);
  const stored = emulator.state.directory.applications.find((a) => a.id === DEMO.server.objectId)!;
  assert.equal(stored.passwordCredentials.find((c) => c.keyId === added.keyId)?.secretText, added.secretText);

  const dated = await (await graphRequest(emulator, `${SERVER}/addPassword`, {
    token,
    method: "POST",
    body: {
      passwordCredential: { startDateTime: "2030-01-01T00:00:00Z", endDateTime: "2030-06-01T00:00:00Z" },
    },
  })).json();
  assert.equal(dated.startDateTime, "2030-01-01T00:00:00Z");
  assert.equal(dated.endDateTime, "2030-06-01T00:00:00Z");
  const empty = await graphRequest(emulator, `${SERVER}/addPassword`, { token, method: "POST" });
  assert.equal(empty.status, 200, "the passwordCredential parameter is optional");
  await empty.body?.cancel();
  const backwards = await graphErrorOf(
    await graphRequest(emulator, `${SERVER}/addPassword`, {
      token,
      method: "POST",
      body: {
        passwordCredential: { startDateTime: "2030-01-01T00:00:00Z", endDateTime: "2029-01-01T00:00:00Z" },
      },
    }),
  );
  assert.equal(backwards.status, 400);
  assert.equal(backwards.code, "Request_BadRequest");
});

Deno.test("removePassword deletes a secret by keyId; an unknown keyId is an error", async () => {
  await using emulator = await startEmulator();
  const token = await adminToken(emulator);
  const keyId = emulator.state.directory.applications[0].passwordCredentials[0].keyId;
  const removed = await graphRequest(emulator, `${SERVER}/removePassword`, {
    token,
    method: "POST",
    body: { keyId },
  });
  assert.equal(removed.status, 204);
  assert.equal(await removed.text(), "");
  assert.deepEqual(emulator.state.directory.applications[0].passwordCredentials, []);
  const again = await graphErrorOf(
    await graphRequest(emulator, `${SERVER}/removePassword`, { token, method: "POST", body: { keyId } }),
  );
  assert.equal(again.status, 404);
  assert.equal(again.code, "Request_ResourceNotFound");
  const malformed = await graphErrorOf(
    await graphRequest(emulator, `${SERVER}/removePassword`, {
      token,
      method: "POST",
      body: { keyId: "nope" },
    }),
  );
  assert.equal(malformed.status, 400);
});

Deno.test("secrets cannot be managed without admin rights", async () => {
  await using emulator = await startEmulator();
  const token = await graphToken(emulator, seededUser(emulator, 1), { scopes: SETUP_SCOPES });
  const error = await graphErrorOf(
    await graphRequest(emulator, `${SERVER}/addPassword`, { token, method: "POST" }),
  );
  assert.equal(error.status, 403);
  assert.equal(error.code, "Authorization_RequestDenied");
  assert.equal(emulator.state.directory.applications[0].passwordCredentials.length, 1);
});

Deno.test("keyCredentials are set by PATCH from a certificate and read back without the key", async () => {
  await using emulator = await startEmulator();
  const token = await adminToken(emulator);
  const certificate = await createSelfSignedCertificate("mcp-server", { validDays: 30 });
  const response = await graphRequest(emulator, SERVER, {
    token,
    method: "PATCH",
    body: {
      keyCredentials: [{ type: "AsymmetricX509Cert", usage: "Verify", key: certificate.der.toBase64() }],
    },
  });
  assert.equal(response.status, 204);
  await response.body?.cancel();
  const app = await (await graphRequest(emulator, SERVER, { token })).json();
  assert.equal(app.keyCredentials.length, 1);
  const [credential] = app.keyCredentials;
  const thumbprint = new Uint8Array(await crypto.subtle.digest("SHA-1", certificate.der)).toHex()
    .toUpperCase();
  assert.equal(credential.key, null);
  assert.equal(credential.customKeyIdentifier, thumbprint);
  assert.equal(credential.displayName, "CN=mcp-server");
  assert.equal(credential.type, "AsymmetricX509Cert");
  assert.equal(credential.usage, "Verify");
  assert.match(credential.keyId, /^[0-9a-f-]{36}$/);
  const days = (Date.parse(credential.endDateTime) - Date.parse(credential.startDateTime)) / 86_400_000;
  assert.equal(days, 30, "validity comes from the certificate");
  const stored = emulator.state.directory.applications[0].keyCredentials[0];
  assert.equal(stored.key, certificate.der.toBase64(), "the emulator keeps the certificate for assertions");
});

Deno.test("invalid keyCredentials are refused", async () => {
  await using emulator = await startEmulator();
  const token = await adminToken(emulator);
  const certificate = await createSelfSignedCertificate("short-lived", { validDays: 1 });
  const key = certificate.der.toBase64();
  const cases = [
    { type: "AsymmetricX509Cert", usage: "Verify", key: "bm90IGEgY2VydGlmaWNhdGU=" },
    { type: "AsymmetricX509Cert", usage: "Verify", key: "***" },
    { type: "Symmetric", usage: "Verify", key },
    { type: "AsymmetricX509Cert", usage: "Verify" },
    { type: "AsymmetricX509Cert", usage: "Verify", key, endDateTime: "2099-01-01T00:00:00Z" },
  ];
  for (const keyCredential of cases) {
    const error = await graphErrorOf(
      await graphRequest(emulator, SERVER, {
        token,
        method: "PATCH",
        body: { keyCredentials: [keyCredential] },
      }),
    );
    assert.equal(error.status, 400, JSON.stringify(keyCredential).slice(0, 80));
    assert.equal(error.code, "Request_BadRequest");
  }
  assert.deepEqual(emulator.state.directory.applications[0].keyCredentials, []);
});

Deno.test("federated identity credentials can be listed, added and deleted", async () => {
  await using emulator = await startEmulator();
  const token = await adminToken(emulator);
  const path = `${SERVER}/federatedIdentityCredentials`;
  const empty = await (await graphRequest(emulator, path, { token })).json();
  assert.equal(
    empty["@odata.context"],
    `${emulator.url}/v1.0/$metadata#applications('${DEMO.server.objectId}')/federatedIdentityCredentials`,
  );
  assert.deepEqual(empty.value, []);
  const body = {
    name: "github-main",
    issuer: "https://token.actions.githubusercontent.com",
    subject: "repo:contoso/mcp:ref:refs/heads/main",
    audiences: ["api://AzureADTokenExchange"],
    description: "CI deploys",
  };
  const response = await graphRequest(emulator, path, { token, method: "POST", body });
  assert.equal(response.status, 201);
  const created = await response.json();
  assert.equal(
    created["@odata.context"],
    `${emulator.url}/v1.0/$metadata#applications('${DEMO.server.objectId}')/federatedIdentityCredentials/$entity`,
  );
  assert.match(created.id, /^[0-9a-f-]{36}$/);
  const { "@odata.context": _context, id: _id, ...properties } = created;
  assert.deepEqual(properties, body);
  const listed = await (await graphRequest(emulator, path, { token })).json();
  assert.deepEqual(listed.value.map((c: { id: string }) => c.id), [created.id]);
  const app = await (await graphRequest(emulator, SERVER, { token })).json();
  assert.equal("federatedIdentityCredentials" in app, false, "a navigation property, not part of the app");

  const duplicate = await graphErrorOf(
    await graphRequest(emulator, path, { token, method: "POST", body: { ...body, subject: "other" } }),
  );
  assert.equal(duplicate.status, 409);
  assert.equal(duplicate.code, "Request_MultipleObjectsWithSameKeyValue");
  for (
    const invalid of [
      { ...body, name: "x" },
      { ...body, name: "second", issuer: "http://insecure.example" },
      { ...body, name: "second", audiences: ["a", "b"] },
      { ...body, name: "second", audiences: [] },
      { name: "second", issuer: body.issuer, audiences: body.audiences },
    ]
  ) {
    const error = await graphErrorOf(
      await graphRequest(emulator, path, { token, method: "POST", body: invalid }),
    );
    assert.equal(error.status, 400, JSON.stringify(invalid));
    assert.equal(error.code, "Request_BadRequest");
  }
  const deleted = await graphRequest(emulator, `${path}/${created.id}`, { token, method: "DELETE" });
  assert.equal(deleted.status, 204);
  await deleted.body?.cancel();
  const missing = await graphErrorOf(await graphRequest(emulator, `${path}/${created.id}`, { token }));
  assert.equal(missing.status, 404);
  assert.equal(missing.code, "Request_ResourceNotFound");
});
