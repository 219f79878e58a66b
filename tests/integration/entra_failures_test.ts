/** What the MCP client sees when Entra ID refuses the On-Behalf-Of exchange, and what Entra saw. */
import assert from "node:assert/strict";
import { startEmulator } from "../../src/emulator/mod.ts";
import { discover, emulatorStats, gatewayToken, signIn } from "../helpers/gateway.ts";
import { callToolRaw, emulatorAdmin, injectFault } from "../helpers/mcp_http.ts";
import { startTestServer } from "../helpers/server.ts";

Deno.test("consent missing (AADSTS65001): actionable text with the admin-consent URL, one Entra call and one log line per incident", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator, {}, { failureMemoryMs: 400 });
  const token = await gatewayToken(emulator, server.mcpUrl);
  await emulatorAdmin(emulator.url, "consent", { appId: emulator.config.server.clientId, granted: false });

  const burst = await Promise.all(
    Array.from({ length: 5 }, () => callToolRaw(server.mcpUrl, token, "hello")),
  );
  for (let i = 0; i < 5; i++) burst.push(await callToolRaw(server.mcpUrl, token, "list_junk_emails"));
  const consentUrl =
    `${emulator.url}/${emulator.config.tenantId}/adminconsent?client_id=${emulator.config.server.clientId}`;
  for (const call of burst) {
    assert.equal(call.status, 200);
    assert.equal(call.result?.isError, true);
    assert.match(call.text, /admin consent/);
    assert.ok(call.text.includes(consentUrl), call.text);
  }
  assert.equal(
    (await emulatorStats(emulator))["token:jwt-bearer"],
    1,
    "the failure is remembered, not retried per call",
  );
  const incidents = server.logs.filter((l) => l.msg === "admin consent for Microsoft Graph is missing");
  assert.equal(incidents.length, 1);
  assert.equal(incidents[0].level, "warn");
  assert.equal(incidents[0].aadsts, 65001);

  await emulatorAdmin(emulator.url, "consent", { appId: emulator.config.server.clientId, granted: true });
  await new Promise((resolve) => setTimeout(resolve, 450));
  const recovered = await callToolRaw(server.mcpUrl, token, "hello");
  assert.equal(recovered.text, `Hello, ${emulator.config.users[0].displayName}!`);
});

Deno.test("Conditional Access MFA (AADSTS50076): 401 insufficient_claims with the challenge, a clear text, and step-up works", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator);
  const discovery = await discover(server.mcpUrl);
  const upn = emulator.config.users[1].userPrincipalName;
  const { accessToken } = await signIn(emulator, discovery, upn);
  await emulatorAdmin(emulator.url, "mfa", { required: true });

  const challenged = await callToolRaw(server.mcpUrl, accessToken, "hello");
  assert.equal(challenged.status, 401);
  const header = challenged.wwwAuthenticate ?? "";
  assert.match(
    header,
    /^Bearer error="insufficient_claims", error_description="[^"]+", resource_metadata="[^"]+", scope="[^"]+", claims="[A-Za-z0-9+/=]+"$/,
  );
  const claims = JSON.parse(
    new TextDecoder().decode(Uint8Array.fromBase64(header.match(/claims="([^"]+)"/)![1])),
  );
  assert.ok(claims.access_token, "the challenge is Entra's claims JSON");
  assert.equal(challenged.result?.isError, true, "the body still carries the tool's explanation");
  assert.match(challenged.text, /multi-factor authentication/);

  // A capable client signs in again with the claims challenge and gets a token that satisfies it.
  const stepped = await signIn(emulator, discovery, upn, { claims: JSON.stringify(claims) });
  const ok = await callToolRaw(server.mcpUrl, stepped.accessToken, "hello");
  assert.equal(ok.status, 200);
  assert.equal(ok.text, `Hello, ${emulator.config.users[1].displayName}!`);
});

Deno.test("assertion problems (AADSTS500133, 500131) answer 401 invalid_token so the gateway refreshes, never 500", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator);
  for (const aadsts of [500133, 500131]) {
    const token = await gatewayToken(emulator, server.mcpUrl, aadsts === 500133 ? 0 : 1);
    await injectFault(emulator.url, { match: "token:jwt-bearer", aadsts });
    const call = await callToolRaw(server.mcpUrl, token, "hello");
    assert.equal(call.status, 401, String(aadsts));
    assert.match(
      call.wwwAuthenticate ?? "",
      new RegExp(`^Bearer error="invalid_token", error_description="[^"]*AADSTS${aadsts}[^"]*"`),
    );
    assert.match(call.text, /sign in again/);
  }
});

Deno.test("bad server credentials: clear tool error, one error log naming the cause, /readyz not ready, no secret anywhere", async () => {
  await using emulator = await startEmulator();
  const wrongSecret = "Wrong8Q~secret-that-must-never-be-printed";
  await using server = await startTestServer(emulator, { AZURE_CLIENT_SECRET: wrongSecret });
  const token = await gatewayToken(emulator, server.mcpUrl);
  const first = await callToolRaw(server.mcpUrl, token, "hello");
  const second = await callToolRaw(server.mcpUrl, token, "list_junk_emails");
  for (const call of [first, second]) {
    assert.equal(call.status, 200);
    assert.equal(call.result?.isError, true);
    assert.match(call.text, /misconfigured.*AADSTS7000215/);
  }
  const errors = server.logs.filter((l) => l.level === "error");
  assert.equal(errors.length, 1);
  assert.equal(errors[0].aadsts, 7000215);
  assert.equal(errors[0].credential, "secret");
  const ready = await fetch(`${server.url}/readyz`);
  assert.equal(ready.status, 503);
  const readiness = await ready.json();
  assert.match(readiness.checks.credential, /^failed: AADSTS7000215/);
  const everything = JSON.stringify([server.logs, first, second, readiness]);
  assert.ok(!everything.includes(wrongSecret));
  assert.ok(!everything.includes(token));
});

Deno.test("an expired secret (AADSTS7000222) and an unknown app (AADSTS700016) are reported as misconfiguration", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator, {}, { failureMemoryMs: 1 });
  const token = await gatewayToken(emulator, server.mcpUrl);
  const server_app = emulator.state.directory.applications.find((a) =>
    a.appId === emulator.config.server.clientId
  )!;
  server_app.passwordCredentials[0].endDateTime = "2020-01-01T00:00:00Z";
  const expired = await callToolRaw(server.mcpUrl, token, "hello");
  assert.match(expired.text, /misconfigured.*AADSTS7000222/);
  server_app.passwordCredentials[0].endDateTime = "2099-01-01T00:00:00Z";
  await new Promise((resolve) => setTimeout(resolve, 5));
  await injectFault(emulator.url, { match: "token:jwt-bearer", aadsts: 700016 });
  const unknown = await callToolRaw(server.mcpUrl, token, "hello");
  assert.match(unknown.text, /misconfigured.*AADSTS700016/);
  await new Promise((resolve) => setTimeout(resolve, 5));
  const fine = await callToolRaw(server.mcpUrl, token, "hello");
  assert.equal(fine.text, `Hello, ${emulator.config.users[0].displayName}!`);
  const ready = await (await fetch(`${server.url}/readyz`)).json();
  assert.equal(ready.checks.credential, "ok", "a later success clears the credential failure");
});
