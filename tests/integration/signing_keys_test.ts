/** Key rotation, the unknown-kid cooldown, keeping the last good key set, and readiness. */
import assert from "node:assert/strict";
import { JwksSource } from "../../src/auth/jwks.ts";
import { OidcMetadataSource } from "../../src/auth/oidc_metadata.ts";
import { loadConfig } from "../../src/config/mod.ts";
import { startEmulator } from "../../src/emulator/mod.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { emulatorStats, gatewayToken } from "../helpers/gateway.ts";
import { callToolRaw, emulatorAdmin, injectFault } from "../helpers/mcp_http.ts";
import { startTestServer } from "../helpers/server.ts";

Deno.test("after a key rotation, tokens signed with the new key are accepted without a restart", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator, { JWKS_COOLDOWN_SECONDS: "1" });
  const before = await gatewayToken(emulator, server.mcpUrl, 0);
  assert.equal((await callToolRaw(server.mcpUrl, before, "hello")).status, 200);
  await emulatorAdmin(emulator.url, "rotate-keys");
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const after = await gatewayToken(emulator, server.mcpUrl, 1);
  const call = await callToolRaw(server.mcpUrl, after, "hello");
  assert.equal(call.status, 200);
  assert.equal(call.text, `Hello, ${emulator.config.users[1].displayName}!`);
  assert.equal(
    (await callToolRaw(server.mcpUrl, before, "hello")).status,
    200,
    "the previous key is still published",
  );
  assert.equal((await emulatorStats(emulator)).keys, 2, "one refetch for the new kid");
});

Deno.test("within the cooldown a new kid is not fetched again; after it, one refetch picks it up", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator, { JWKS_COOLDOWN_SECONDS: "2" });
  const before = await gatewayToken(emulator, server.mcpUrl, 0);
  assert.equal((await callToolRaw(server.mcpUrl, before, "hello")).status, 200);
  await emulatorAdmin(emulator.url, "rotate-keys");
  const after = await gatewayToken(emulator, server.mcpUrl, 1);
  // The keys were fetched moments ago: the cooldown holds, the new kid is unknown.
  assert.equal((await callToolRaw(server.mcpUrl, after, "hello")).status, 401);
  assert.equal((await emulatorStats(emulator)).keys, 1);
  await new Promise((resolve) => setTimeout(resolve, 2100));
  assert.equal((await callToolRaw(server.mcpUrl, after, "hello")).status, 200);
  assert.equal((await emulatorStats(emulator)).keys, 2);
});

Deno.test("a failed key refresh keeps the last good set", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator);
  const token = await gatewayToken(emulator, server.mcpUrl);
  assert.equal((await callToolRaw(server.mcpUrl, token, "hello")).status, 200);
  await injectFault(emulator.url, { match: "keys", status: 500, count: 10 });
  await server.app.parts.keys.refresh();
  const other = await gatewayToken(emulator, server.mcpUrl, 1);
  assert.equal((await callToolRaw(server.mcpUrl, other, "hello")).status, 200);
  assert.ok(server.logs.some((l) => l.msg === "signing key fetch failed" && l.kept_previous_keys === true));
});

Deno.test("keys are refreshed in the background", async () => {
  await using emulator = await startEmulator();
  const config = loadConfig({
    AZURE_TENANT_ID: emulator.config.tenantId,
    AZURE_CLIENT_ID: emulator.config.server.clientId,
    AZURE_CLIENT_SECRET: emulator.config.server.clientSecret,
    AZURE_AUTHORITY_HOST: emulator.url,
  });
  const metadata = new OidcMetadataSource(config, { logger: silentLogger });
  const keys = new JwksSource(metadata, {
    logger: silentLogger,
    cooldownMs: 30_000,
    timeoutMs: 2000,
    refreshIntervalMs: 100,
  });
  keys.startBackgroundRefresh();
  try {
    await new Promise((resolve) => setTimeout(resolve, 450));
    assert.ok(keys.loaded);
    assert.ok((await emulatorStats(emulator)).keys >= 3, "several background fetches");
  } finally {
    keys.stop();
  }
});

Deno.test("/readyz is 200 only with metadata and keys loaded and the credential not failed, and says which part is not", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator);
  const ready = await fetch(`${server.url}/readyz`);
  assert.equal(ready.status, 200);
  assert.deepEqual(await ready.json(), {
    status: "ready",
    checks: { metadata: "ok", signing_keys: "ok", credential: "unknown" },
  });
  server.app.parts.health.credentialRejected("AADSTS7000215 invalid_client");
  const notReady = await fetch(`${server.url}/readyz`);
  assert.equal(notReady.status, 503);
  assert.deepEqual((await notReady.json()).checks.credential, "failed: AADSTS7000215 invalid_client");
});

Deno.test("/readyz reports missing keys when the JWKS cannot be fetched", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator);
  await injectFault(emulator.url, { match: "keys", status: 503, count: 100 });
  const response = await fetch(`${server.url}/readyz`);
  assert.equal(response.status, 503);
  const body = await response.json();
  assert.deepEqual(body.checks, { metadata: "ok", signing_keys: "unavailable", credential: "unknown" });
});
