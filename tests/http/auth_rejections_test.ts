/** Every way a request to /mcp can fail authentication: status, WWW-Authenticate and body. */
import assert from "node:assert/strict";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { startEmulator } from "../../src/emulator/mod.ts";
import { GRAPH_APP_ID } from "../../src/emulator/well_known.ts";
import { startTestServer } from "../helpers/server.ts";
import { mintServerToken, signWithEmulatorKey, validV2Claims } from "../helpers/tokens.ts";

const INITIALIZE = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "test", version: "1" } },
});
const MCP_HEADERS = { accept: "application/json, text/event-stream", "content-type": "application/json" };

function b64url(value: unknown): string {
  return new TextEncoder().encode(JSON.stringify(value)).toBase64({
    alphabet: "base64url",
    omitPadding: true,
  });
}

Deno.test("no token: 401 with resource_metadata and scope and no error attribute, even without Accept/Content-Type", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator);
  const variants: Array<Record<string, string>> = [{}, MCP_HEADERS, { authorization: "Basic dXNlcjpwYXNz" }];
  for (const headers of variants) {
    const response = await fetch(server.mcpUrl, { method: "POST", headers, body: INITIALIZE });
    assert.equal(response.status, 401, JSON.stringify(headers));
    assert.equal(
      response.headers.get("www-authenticate"),
      `Bearer resource_metadata="${server.url}/.well-known/oauth-protected-resource/mcp", ` +
        `scope="api://${emulator.config.server.clientId}/access_as_user offline_access"`,
    );
    await response.body?.cancel();
  }
  for (const method of ["GET", "DELETE"]) {
    const response = await fetch(server.mcpUrl, { method });
    assert.equal(response.status, 401, method);
    await response.body?.cancel();
  }
});

Deno.test("invalid tokens: 401 invalid_token with a description that never echoes the token", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator);
  const valid = validV2Claims(emulator);
  const now = Math.floor(Date.now() / 1000);
  const attacker = await generateKeyPair("RS256", { extractable: true });
  const attackerJwk = await exportJWK(attacker.publicKey);
  const kid = emulator.state.keys.current.kid;
  const cases: Array<[string, string | Promise<string>, RegExp]> = [
    ["empty bearer", "", /bearer token/],
    ["not a JWT", "abc.def", /not a JWT/],
    ["JWE", "a.b.c.d.e", /encrypted/],
    ["too large", "a".repeat(20_000) + ".b.c", /too large/],
    ["alg none", `${b64url({ alg: "none", typ: "JWT" })}.${b64url(valid)}.`, /none are not accepted/],
    [
      "HS256",
      new SignJWT(valid).setProtectedHeader({ alg: "HS256", kid }).sign(
        new TextEncoder().encode("k".repeat(32)),
      ),
      /HS256 are not accepted/,
    ],
    [
      "expired",
      signWithEmulatorKey(emulator, { ...valid, iat: now - 7200, nbf: now - 7200, exp: now - 600 }),
      /expired/,
    ],
    [
      "not yet valid",
      signWithEmulatorKey(emulator, { ...valid, nbf: now + 600, exp: now + 4000 }),
      /not valid yet/,
    ],
    ["wrong audience", signWithEmulatorKey(emulator, { ...valid, aud: crypto.randomUUID() }), /audience/],
    [
      "v2 with api:// audience",
      signWithEmulatorKey(emulator, { ...valid, aud: emulator.config.server.identifierUri }),
      /audience/,
    ],
    [
      "other tenant issuer",
      signWithEmulatorKey(emulator, { ...valid, iss: `${emulator.url}/${crypto.randomUUID()}/v2.0` }),
      /another tenant/,
    ],
    ["other tid", signWithEmulatorKey(emulator, { ...valid, tid: crypto.randomUUID() }), /another tenant/],
    ["unknown version", signWithEmulatorKey(emulator, { ...valid, ver: undefined }), /unknown version/],
    [
      "v1 issuer on a v2 token",
      signWithEmulatorKey(emulator, {
        ...valid,
        iss: `https://sts.windows.net/${emulator.config.tenantId}/`,
      }),
      /another tenant/,
    ],
    [
      "app-only token",
      signWithEmulatorKey(emulator, { ...valid, scp: undefined, roles: ["Task.Read"], idtyp: "app" }),
      /app-only/,
    ],
    ["ID token", signWithEmulatorKey(emulator, { ...valid, scp: undefined, nonce: "n" }), /ID tokens/],
    ["unknown kid", signWithEmulatorKey(emulator, valid, { header: { kid: "no-such-key" } }), /unknown key/],
    [
      "attacker key with embedded jwk and our kid",
      signWithEmulatorKey(emulator, valid, { header: { jwk: attackerJwk, kid }, key: attacker.privateKey }),
      /signature/,
    ],
    [
      "jku header pointing elsewhere",
      signWithEmulatorKey(emulator, valid, {
        header: { jku: "https://evil.example/keys", kid: "evil" },
        key: attacker.privateKey,
      }),
      /unknown key/,
    ],
    [
      "Graph token",
      mintServerToken(emulator, {
        resourceAppId: GRAPH_APP_ID,
        audience: "https://graph.microsoft.com",
        version: 1,
      }),
      /another resource/,
    ],
    ["no oid", signWithEmulatorKey(emulator, { ...valid, oid: undefined }), /no user/],
  ];
  for (const [name, tokenPromise, description] of cases) {
    const token = await tokenPromise;
    const response = await fetch(server.mcpUrl, {
      method: "POST",
      headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` },
      body: INITIALIZE,
    });
    const challenge = response.headers.get("www-authenticate") ?? "";
    const body = await response.json();
    assert.equal(response.status, 401, name);
    assert.match(
      challenge,
      /^Bearer error="invalid_token", error_description="[^"]+", resource_metadata="/,
      name,
    );
    assert.match(
      challenge,
      new RegExp(`scope="api://${emulator.config.server.clientId}/access_as_user offline_access"`),
    );
    assert.match(body.error_description, description, name);
    assert.equal(body.error, "invalid_token");
    if (token.length > 20) {
      assert.ok(!challenge.includes(token) && !JSON.stringify(body).includes(token), name);
    }
  }
});

Deno.test("a valid token without access_as_user: 403 insufficient_scope with the scope", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator);
  const token = await mintServerToken(emulator, { scopes: ["Files.Read", "access_as_user_not"] });
  const response = await fetch(server.mcpUrl, {
    method: "POST",
    headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` },
    body: INITIALIZE,
  });
  assert.equal(response.status, 403);
  assert.equal(
    response.headers.get("www-authenticate"),
    `Bearer error="insufficient_scope", error_description="the token lacks the access_as_user scope", ` +
      `resource_metadata="${server.url}/.well-known/oauth-protected-resource/mcp", ` +
      `scope="api://${emulator.config.server.clientId}/access_as_user offline_access"`,
  );
  await response.body?.cancel();
});

Deno.test("both token versions Entra issues for the app are accepted", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator);
  const v2 = await mintServerToken(emulator);
  const v1 = await mintServerToken(emulator, { version: 1, audience: emulator.config.server.identifierUri });
  const v1Guid = await mintServerToken(emulator, { version: 1, audience: emulator.config.server.clientId });
  for (const token of [v2, v1, v1Guid]) {
    const response = await fetch(server.mcpUrl, {
      method: "POST",
      headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` },
      body: INITIALIZE,
    });
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.result.serverInfo.name, "entra-obo-mcp");
  }
});

Deno.test("tokens near expiry pass within the clock skew and fail beyond it", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator, { CLOCK_SKEW_SECONDS: "30" });
  const now = Math.floor(Date.now() / 1000);
  const valid = validV2Claims(emulator);
  const post = async (claims: Record<string, unknown>) => {
    const token = await signWithEmulatorKey(emulator, claims);
    const response = await fetch(server.mcpUrl, {
      method: "POST",
      headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` },
      body: INITIALIZE,
    });
    await response.body?.cancel();
    return response.status;
  };
  assert.equal(await post({ ...valid, exp: now - 10 }), 200, "expired 10 s ago, inside 30 s skew");
  assert.equal(await post({ ...valid, exp: now - 40 }), 401, "expired 40 s ago, beyond 30 s skew");
  assert.equal(await post({ ...valid, nbf: now + 10 }), 200, "valid in 10 s, inside skew");
});

Deno.test("a flood of unknown kids costs at most one JWKS refetch per cooldown", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator, { JWKS_COOLDOWN_SECONDS: "30" });
  const valid = validV2Claims(emulator);
  const ok = await mintServerToken(emulator);
  const first = await fetch(server.mcpUrl, {
    method: "POST",
    headers: { ...MCP_HEADERS, authorization: `Bearer ${ok}` },
    body: INITIALIZE,
  });
  await first.body?.cancel();
  const before = (await (await fetch(`${emulator.url}/_emulator/stats`)).json()).requests.keys;
  for (let i = 0; i < 20; i++) {
    const token = await signWithEmulatorKey(emulator, valid, { header: { kid: `forged-${i}` } });
    const response = await fetch(server.mcpUrl, {
      method: "POST",
      headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` },
      body: INITIALIZE,
    });
    assert.equal(response.status, 401);
    await response.body?.cancel();
  }
  const after = (await (await fetch(`${emulator.url}/_emulator/stats`)).json()).requests.keys;
  assert.equal(before, 1);
  assert.ok(after - before <= 1, `JWKS fetched ${after - before} more times`);
});
