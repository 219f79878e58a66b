import assert from "node:assert/strict";
import { startEmulator } from "../../../src/emulator/mod.ts";
import { DEMO } from "../../../src/emulator/seed.ts";
import { graphErrorOf, graphRequest, graphToken, seededUser } from "./graph_token.ts";

Deno.test("GET /organization describes the tenant and its verified domains", async () => {
  await using emulator = await startEmulator();
  const token = await graphToken(emulator, seededUser(emulator, 0), { scopes: ["User.Read"] });
  const response = await graphRequest(emulator, "/v1.0/organization", { token });
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.equal(body["@odata.context"], `${emulator.url}/v1.0/$metadata#organization`);
  assert.equal(body.value.length, 1);
  const [organization] = body.value;
  assert.equal(organization.id, DEMO.tenantId);
  assert.equal(organization.tenantType, "AAD");
  assert.equal(organization.displayName, emulator.state.directory.displayName);
  assert.deepEqual(organization.verifiedDomains, [
    {
      capabilities: "Email, OfficeCommunicationsOnline",
      isDefault: true,
      isInitial: true,
      name: DEMO.domain,
      type: "Managed",
    },
    {
      capabilities: "Email, OfficeCommunicationsOnline",
      isDefault: false,
      isInitial: false,
      name: "contoso.com",
      type: "Managed",
    },
  ]);
});

Deno.test("GET /organization without any profile or directory scope is 403", async () => {
  await using emulator = await startEmulator();
  const token = await graphToken(emulator, seededUser(emulator, 0), { scopes: ["Mail.Read"] });
  const error = await graphErrorOf(await graphRequest(emulator, "/v1.0/organization", { token }));
  assert.equal(error.status, 403);
  assert.equal(error.code, "Authorization_RequestDenied");
});
