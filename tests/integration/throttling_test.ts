/** Throttling, outages, timeouts and revoked Graph tokens: bounded retries and clear errors. */
import assert from "node:assert/strict";
import { startEmulator } from "../../src/emulator/mod.ts";
import { emulatorStats, gatewayToken } from "../helpers/gateway.ts";
import { callToolRaw, injectFault } from "../helpers/mcp_http.ts";
import { startTestServer } from "../helpers/server.ts";

Deno.test("OBO throttled once (429 + Retry-After) is retried after the wait and succeeds", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator);
  const token = await gatewayToken(emulator, server.mcpUrl);
  await injectFault(emulator.url, { match: "token:jwt-bearer", status: 429, retryAfter: 1 });
  const started = performance.now();
  const call = await callToolRaw(server.mcpUrl, token, "hello");
  assert.equal(call.text, `Hello, ${emulator.config.users[0].displayName}!`);
  assert.ok(performance.now() - started >= 950, "Retry-After was honoured");
  assert.equal((await emulatorStats(emulator))["token:jwt-bearer"], 2);
});

Deno.test("OBO failing with 503 on every attempt gives up after a bounded number of tries with a clear error", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator);
  const token = await gatewayToken(emulator, server.mcpUrl);
  await injectFault(emulator.url, { match: "token:jwt-bearer", status: 503, retryAfter: 0, count: 10 });
  const call = await callToolRaw(server.mcpUrl, token, "hello");
  assert.equal(call.status, 200);
  assert.equal(call.result?.isError, true);
  assert.match(call.text, /Microsoft Entra ID is busy or unavailable \(HTTP 503\)/);
  assert.equal((await emulatorStats(emulator))["token:jwt-bearer"], 3);
});

Deno.test("a Retry-After longer than the cap is not waited for: one attempt, and the wait is in the message", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator);
  const token = await gatewayToken(emulator, server.mcpUrl);
  await injectFault(emulator.url, { match: "graph:GET /v1.0/me", status: 429, retryAfter: 120 });
  const call = await callToolRaw(server.mcpUrl, token, "hello");
  assert.match(call.text, /Microsoft Graph is busy or unavailable \(HTTP 429\); try again in 120 seconds/);
  assert.equal((await emulatorStats(emulator))["graph:GET /v1.0/me"], 1);
});

Deno.test("Graph throttled once is retried; Graph 5xx on every attempt ends in a clear error", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator);
  const token = await gatewayToken(emulator, server.mcpUrl);
  await injectFault(emulator.url, { match: "graph:GET /v1.0/me", status: 429, retryAfter: 0 });
  assert.equal(
    (await callToolRaw(server.mcpUrl, token, "hello")).text,
    `Hello, ${emulator.config.users[0].displayName}!`,
  );
  await injectFault(emulator.url, {
    match: "graph:GET /v1.0/me/mailFolders/junkemail/messages",
    status: 500,
    count: 3,
  });
  const failed = await callToolRaw(server.mcpUrl, token, "list_junk_emails");
  assert.match(failed.text, /Microsoft Graph is busy or unavailable \(HTTP 500\)/);
  const stats = await emulatorStats(emulator);
  assert.equal(stats["graph:GET /v1.0/me"], 2);
  assert.equal(stats["graph:GET /v1.0/me/mailFolders/junkemail/messages"], 3);
});

Deno.test("a slow Graph times out after UPSTREAM_TIMEOUT_SECONDS per attempt and says so", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator, { UPSTREAM_TIMEOUT_SECONDS: "1" });
  const token = await gatewayToken(emulator, server.mcpUrl);
  await injectFault(emulator.url, { match: "graph:GET /v1.0/me", delayMs: 1500, count: 3 });
  const call = await callToolRaw(server.mcpUrl, token, "hello");
  assert.equal(call.result?.isError, true);
  assert.match(call.text, /^Timed out waiting for Microsoft Graph; try again shortly\.$/);
});

Deno.test("a Graph 401 evicts the cached Graph token and retries once with a fresh OBO exchange", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator);
  const token = await gatewayToken(emulator, server.mcpUrl);
  assert.equal((await callToolRaw(server.mcpUrl, token, "hello")).status, 200);
  await injectFault(emulator.url, { match: "graph:GET /v1.0/me", status: 401 });
  const call = await callToolRaw(server.mcpUrl, token, "hello");
  assert.equal(call.text, `Hello, ${emulator.config.users[0].displayName}!`);
  const stats = await emulatorStats(emulator);
  assert.equal(stats["token:jwt-bearer"], 2);
  assert.equal(stats["graph:GET /v1.0/me"], 3);
  // A second 401 in a row is not retried again: the user gets a clear error.
  await injectFault(emulator.url, { match: "graph:GET /v1.0/me", status: 401, count: 2 });
  const twice = await callToolRaw(server.mcpUrl, token, "hello");
  assert.match(twice.text, /Microsoft Graph did not accept the token/);
});
