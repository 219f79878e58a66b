import assert from "node:assert/strict";
import { startEmulator } from "../../../src/emulator/mod.ts";
import { DEMO } from "../../../src/emulator/seed.ts";

const json = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

Deno.test("stats count requests per key", async () => {
  await using emulator = await startEmulator();
  for (let i = 0; i < 3; i++) {
    await (await fetch(`${emulator.url}/${DEMO.tenantId}/v2.0/.well-known/openid-configuration`)).body
      ?.cancel();
  }
  await (await fetch(`${emulator.url}/${DEMO.tenantId}/discovery/v2.0/keys`)).body?.cancel();
  const stats = await (await fetch(`${emulator.url}/_emulator/stats`)).json();
  assert.deepEqual(stats, { requests: { "oidc:v2": 3, keys: 1 } });
});

Deno.test("a fault fails exactly `count` matching requests, with Retry-After on 429/5xx", async () => {
  await using emulator = await startEmulator();
  const created = await fetch(
    `${emulator.url}/_emulator/faults`,
    json({ match: "oidc:v2", status: 503, retryAfter: 7, count: 2 }),
  );
  assert.equal(created.status, 201);
  await created.body?.cancel();
  const url = `${emulator.url}/${DEMO.tenantId}/v2.0/.well-known/openid-configuration`;
  const statuses = [];
  for (let i = 0; i < 3; i++) {
    const response = await fetch(url);
    statuses.push([response.status, response.headers.get("retry-after")]);
    await response.body?.cancel();
  }
  assert.deepEqual(statuses, [[503, "7"], [503, "7"], [200, null]]);
});

Deno.test("an aadsts fault answers with that code's Entra error", async () => {
  await using emulator = await startEmulator();
  await (await fetch(`${emulator.url}/_emulator/faults`, json({ match: "keys", aadsts: 500133 }))).body
    ?.cancel();
  const response = await fetch(`${emulator.url}/${DEMO.tenantId}/discovery/v2.0/keys`);
  assert.equal(response.status, 400);
  assert.equal(response.headers.get("retry-after"), null, "no Retry-After on an ordinary 400");
  const body = await response.json();
  assert.equal(body.error, "invalid_grant");
  assert.deepEqual(body.error_codes, [500133]);
});

Deno.test("a delay fault slows the request down and then lets it through", async () => {
  await using emulator = await startEmulator();
  await (await fetch(`${emulator.url}/_emulator/faults`, json({ match: "keys", delayMs: 300 }))).body
    ?.cancel();
  const started = performance.now();
  const response = await fetch(`${emulator.url}/${DEMO.tenantId}/discovery/v2.0/keys`);
  await response.body?.cancel();
  assert.equal(response.status, 200);
  assert.ok(performance.now() - started >= 290);
});

Deno.test("DELETE /_emulator/faults drops pending faults", async () => {
  await using emulator = await startEmulator();
  await (await fetch(`${emulator.url}/_emulator/faults`, json({ match: "keys", status: 500, count: 5 }))).body
    ?.cancel();
  assert.equal((await fetch(`${emulator.url}/_emulator/faults`, { method: "DELETE" })).status, 204);
  const response = await fetch(`${emulator.url}/${DEMO.tenantId}/discovery/v2.0/keys`);
  await response.body?.cancel();
  assert.equal(response.status, 200);
});

Deno.test("invalid admin requests get 400 with a reason", async () => {
  await using emulator = await startEmulator();
  const cases: Array<[string, unknown]> = [
    ["faults", { status: 500 }],
    ["faults", { match: "keys" }],
    ["faults", { match: "keys", status: 99 }],
    ["faults", { match: "keys", status: 500, count: 0 }],
    ["faults", "not an object"],
    ["consent", { appId: DEMO.server.appId }],
    ["consent", { appId: "00000000-0000-0000-0000-000000000000", granted: true }],
    ["mfa", { required: "yes" }],
    ["device/approve", { userPrincipalName: "nobody@example.com" }],
    ["settings", { replicationDelayMs: -1 }],
  ];
  for (const [path, body] of cases) {
    const response = await fetch(`${emulator.url}/_emulator/${path}`, json(body));
    assert.equal(response.status, 400, `${path} ${JSON.stringify(body)}`);
    assert.equal(typeof (await response.json()).error, "string");
  }
  const notJson = await fetch(`${emulator.url}/_emulator/mfa`, { method: "POST", body: "{" });
  assert.equal(notJson.status, 400);
  await notJson.body?.cancel();
});

Deno.test("consent can be withdrawn and granted again for an app's declared Graph permissions", async () => {
  await using emulator = await startEmulator();
  const grants = () =>
    emulator.state.directory.permissionGrants.filter((g) => g.clientId === DEMO.server.servicePrincipalId);
  const off = await (await fetch(
    `${emulator.url}/_emulator/consent`,
    json({ appId: DEMO.server.appId, granted: false }),
  )).json();
  assert.deepEqual(off, { appId: DEMO.server.appId, granted: false, scope: "" });
  assert.equal(grants().length, 0);
  const on = await (await fetch(
    `${emulator.url}/_emulator/consent`,
    json({ appId: DEMO.server.appId, granted: true }),
  )).json();
  assert.equal(on.scope, "User.Read Mail.Read");
  assert.equal(grants().length, 1);
});

Deno.test("settings change and reset restores the seeded tenant with zeroed counters", async () => {
  await using emulator = await startEmulator();
  const settings = await (await fetch(
    `${emulator.url}/_emulator/settings`,
    json({ accessTokenLifetimeSeconds: 120, replicationDelayMs: 500 }),
  )).json();
  assert.equal(settings.accessTokenLifetimeSeconds, 120);
  assert.equal(settings.replicationDelayMs, 500);
  await (await fetch(`${emulator.url}/_emulator/mfa`, json({ required: true }))).body?.cancel();
  emulator.state.directory.users.pop();
  await (await fetch(`${emulator.url}/${DEMO.tenantId}/discovery/v2.0/keys`)).body?.cancel();
  const reset = await fetch(`${emulator.url}/_emulator/reset`, { method: "POST" });
  assert.equal(reset.status, 200);
  await reset.body?.cancel();
  assert.equal(emulator.state.directory.users.length, 4);
  assert.equal(emulator.state.mfaRequired, false);
  assert.equal(emulator.state.settings.accessTokenLifetimeSeconds, undefined);
  assert.deepEqual(await (await fetch(`${emulator.url}/_emulator/stats`)).json(), { requests: {} });
});

Deno.test("the seeded tenant lists users in the documented order", async () => {
  await using emulator = await startEmulator();
  const { users } = emulator.config;
  assert.equal(users.length, 4);
  const junk = emulator.state.directory.users.map((u) => u.junkEmail.length);
  assert.ok(junk[0] > 5 && junk[1] > 5, "the first two users have more than five junk mails");
  assert.equal(users[0].admin || users[1].admin, false);
  assert.ok(users.some((u) => u.admin), "an administrator is listed");
  assert.equal(junk.at(-1), 0, "the last user has an empty junk folder");
});
