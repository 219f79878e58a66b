/** The Graph client: exact-name lookups, bounded replication retries, and errors typed by Graph's code. */
import assert from "node:assert/strict";
import { startEmulator } from "../../src/emulator/mod.ts";
import { GraphRequestError, InsufficientPrivilegesError } from "../../src/setup/errors.ts";
import { createGraphApi, isReplicationLag, odataString } from "../../src/setup/graph_api.ts";
import { graphToken, seededUser, SETUP_SCOPES } from "../emulator/graph/graph_token.ts";
import { ADMIN, deviceCodeToken } from "./helpers.ts";

function error(status: number, code: string, message = "", detailCodes: string[] = []): GraphRequestError {
  return new GraphRequestError({ status, code, message, operation: "X /v1.0/y", detailCodes });
}

Deno.test("isReplicationLag: the eventual-consistency errors Graph gives for objects created moments ago", () => {
  assert.equal(isReplicationLag(error(404, "Request_ResourceNotFound")), true);
  assert.equal(isReplicationLag(error(400, "Request_BadRequest", "", ["NoBackingApplicationObject"])), true);
  assert.equal(
    isReplicationLag(
      error(
        400,
        "Request_BadRequest",
        "The appId 'x' of the service principal does not reference a valid application object.",
      ),
    ),
    true,
  );
  assert.equal(
    isReplicationLag(error(400, "Request_BadRequest", "Invalid value specified for property 'displayName'")),
    false,
  );
  assert.equal(isReplicationLag(error(404, "ErrorItemNotFound")), false);
  assert.equal(isReplicationLag(error(403, "Authorization_RequestDenied")), false);
  assert.equal(odataString("O'Brien"), "'O''Brien'");
});

Deno.test("findApplicationsByName: exact name (quotes escaped, case and prefixes do not match)", async () => {
  await using emulator = await startEmulator({ settings: { deviceCodeIntervalSeconds: 0 } });
  const graph = createGraphApi({
    baseUrl: emulator.url,
    token: await deviceCodeToken(emulator, { userPrincipalName: ADMIN, scope: "Application.ReadWrite.All" }),
  });
  const created = await graph.createApplication({ displayName: "O'Brien Server" });
  await graph.createApplication({ displayName: "o'brien server" });
  await graph.createApplication({ displayName: "O'Brien Server (old)" });
  assert.deepEqual((await graph.findApplicationsByName("O'Brien Server")).map((a) => a.appId), [
    created.appId,
  ]);
  assert.deepEqual(await graph.findApplicationsByName("Nobody"), []);
  assert.equal(await graph.getApplicationByAppId("99999999-9999-4999-8999-999999999999"), undefined);
});

Deno.test("replication retries are bounded, then the 404 surfaces with Graph's code and request ID", async () => {
  await using emulator = await startEmulator({
    settings: { deviceCodeIntervalSeconds: 0, replicationDelayMs: 600_000 },
  });
  const retries: string[] = [];
  const graph = createGraphApi({
    baseUrl: emulator.url,
    token: await deviceCodeToken(emulator, { userPrincipalName: ADMIN, scope: "Application.ReadWrite.All" }),
    consistency: { maxAttempts: 3, baseDelayMs: 10 },
    onRetry: (line) => retries.push(line),
  });
  const app = await graph.createApplication({ displayName: "Never Replicates" });
  const failure = await graph.updateApplication(app.id, { identifierUris: [`api://${app.appId}`] }).catch((
    e,
  ) => e);
  assert.ok(failure instanceof GraphRequestError);
  assert.equal(failure.status, 404);
  assert.equal(failure.code, "Request_ResourceNotFound");
  assert.match(failure.requestId ?? "", /^[0-9a-f-]{36}$/);
  assert.match(
    failure.message,
    /^PATCH \/v1\.0\/applications\/\S+ failed: HTTP 404 Request_ResourceNotFound/,
  );
  assert.equal(retries.length, 2, "three attempts in all");
  const sp = await graph.createServicePrincipal(app.appId).catch((e) => e);
  assert.ok(sp instanceof GraphRequestError);
  assert.deepEqual(sp.detailCodes, ["NoBackingApplicationObject"]);
});

Deno.test("403 Authorization_RequestDenied names the role for the operation refused", async () => {
  await using emulator = await startEmulator();
  const graph = createGraphApi({
    baseUrl: emulator.url,
    token: await graphToken(emulator, seededUser(emulator, 0), { scopes: SETUP_SCOPES }),
  });
  const apps = await graph.createApplication({ displayName: "Nope" }).catch((e) => e);
  assert.ok(apps instanceof InsufficientPrivilegesError);
  assert.equal(apps.privilege, "applications");
  assert.equal(apps.role, "Application Administrator or Cloud Application Administrator");
  const consent = await graph.createAllPrincipalsGrant(
    "62391136-9725-4e25-83f8-aba26c1a7a27",
    "864c2f34-a05b-4110-9e32-f478cd8289ad",
    "User.Read",
  ).catch((e) => e);
  assert.ok(consent instanceof InsufficientPrivilegesError);
  assert.equal(consent.role, "Privileged Role Administrator or Global Administrator");
  assert.match(consent.message, /rerun without --grant-admin-consent/);
});
