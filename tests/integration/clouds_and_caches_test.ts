/** Sovereign-cloud issuers, the Graph token cache's safety limits, and log hygiene. */
import assert from "node:assert/strict";
import { startEmulator } from "../../src/emulator/mod.ts";
import { emulatorStats, gatewayToken } from "../helpers/gateway.ts";
import { callToolRaw, emulatorAdmin } from "../helpers/mcp_http.ts";
import { startTestServer } from "../helpers/server.ts";

Deno.test("issuers come from discovery: a cloud whose issuer host differs from its authority host works (Azure China)", async () => {
  await using emulator = await startEmulator({ issuerBaseUrl: "https://login.partner.microsoftonline.cn" });
  await using server = await startTestServer(emulator, { AZURE_CLOUD: "AzureChina" });
  const token = await gatewayToken(emulator, server.mcpUrl);
  const issuer = JSON.parse(
    new TextDecoder().decode(Uint8Array.fromBase64(token.split(".")[1], { alphabet: "base64url" })),
  ).iss;
  assert.equal(issuer, `https://login.partner.microsoftonline.cn/${emulator.config.tenantId}/v2.0`);
  assert.equal(
    (await callToolRaw(server.mcpUrl, token, "hello")).text,
    `Hello, ${emulator.config.users[0].displayName}!`,
  );
  assert.equal(
    server.config.authorityHost,
    emulator.url,
    "the explicit AZURE_AUTHORITY_HOST wins over the cloud's",
  );
});

Deno.test("a cached Graph token never outlives its reuse window: after it, the next call exchanges again", async () => {
  await using emulator = await startEmulator({ settings: { accessTokenLifetimeSeconds: 301 } });
  await using server = await startTestServer(emulator);
  const token = await gatewayToken(emulator, server.mcpUrl);
  await callToolRaw(server.mcpUrl, token, "hello");
  await callToolRaw(server.mcpUrl, token, "hello");
  assert.equal(
    (await emulatorStats(emulator))["token:jwt-bearer"],
    1,
    "reused while more than 5 minutes remain",
  );
  await new Promise((resolve) => setTimeout(resolve, 1100));
  await callToolRaw(server.mcpUrl, token, "hello");
  assert.equal((await emulatorStats(emulator))["token:jwt-bearer"], 2, "renewed 5 minutes before expiry");
});

Deno.test("tokens of less than five minutes are never cached (MSAL's renewal offset)", async () => {
  await using emulator = await startEmulator({ settings: { accessTokenLifetimeSeconds: 120 } });
  await using server = await startTestServer(emulator);
  const token = await gatewayToken(emulator, server.mcpUrl);
  await callToolRaw(server.mcpUrl, token, "hello");
  await callToolRaw(server.mcpUrl, token, "hello");
  assert.equal((await emulatorStats(emulator))["token:jwt-bearer"], 2);
  assert.equal(server.app.parts.tokens.size, 0);
});

Deno.test("the Graph token cache is bounded (least recently used evicted) and never serves one user's token to another", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator, { GRAPH_TOKEN_CACHE_MAX: "2" });
  const tokens = [];
  for (let i = 0; i < 3; i++) tokens.push(await gatewayToken(emulator, server.mcpUrl, i));
  for (let i = 0; i < 3; i++) {
    assert.equal(
      (await callToolRaw(server.mcpUrl, tokens[i], "hello")).text,
      `Hello, ${emulator.config.users[i].displayName}!`,
    );
  }
  assert.equal(server.app.parts.tokens.size, 2);
  assert.equal((await emulatorStats(emulator))["token:jwt-bearer"], 3);
  // Users 1 and 2 are cached; user 0 was evicted and costs a new exchange.
  await callToolRaw(server.mcpUrl, tokens[2], "hello");
  await callToolRaw(server.mcpUrl, tokens[1], "hello");
  assert.equal((await emulatorStats(emulator))["token:jwt-bearer"], 3);
  assert.equal(
    (await callToolRaw(server.mcpUrl, tokens[0], "hello")).text,
    `Hello, ${emulator.config.users[0].displayName}!`,
  );
  assert.equal((await emulatorStats(emulator))["token:jwt-bearer"], 4);
  assert.equal(server.app.parts.tokens.size, 2);
});

Deno.test("LOG_LEVEL is respected and no log line ever holds a token, assertion or secret", async () => {
  await using emulator = await startEmulator();
  await using quiet = await startTestServer(emulator, { LOG_LEVEL: "error" });
  await using server = await startTestServer(emulator);
  const token = await gatewayToken(emulator, server.mcpUrl);
  await callToolRaw(quiet.mcpUrl, token, "hello");
  assert.equal(quiet.logs.length, 0, "info lines are dropped at LOG_LEVEL=error");
  await callToolRaw(server.mcpUrl, token, "hello");
  await emulatorAdmin(emulator.url, "mfa", { required: true });
  await callToolRaw(server.mcpUrl, await gatewayToken(emulator, server.mcpUrl, 1), "list_junk_emails");
  await callToolRaw(server.mcpUrl, `${token}x`, "hello");
  const text = JSON.stringify(server.logs);
  assert.ok(server.logs.length > 3);
  for (const line of server.logs) {
    for (const field of ["time", "level", "msg"]) {
      assert.ok(field in line, `${field} in ${JSON.stringify(line)}`);
    }
  }
  for (const secret of [token.split(".")[1], token.split(".")[2], emulator.config.server.clientSecret]) {
    assert.ok(!text.includes(secret));
  }
  assert.ok(!/eyJ[A-Za-z0-9_-]{10,}\.eyJ/.test(text), "no JWT anywhere in the logs");
});
