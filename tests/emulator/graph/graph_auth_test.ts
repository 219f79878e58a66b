import assert from "node:assert/strict";
import { startEmulator } from "../../../src/emulator/mod.ts";
import { DEMO } from "../../../src/emulator/seed.ts";
import { createSigningKey } from "../../../src/emulator/signing_keys.ts";
import { mintAccessToken } from "../../../src/emulator/tokens.ts";
import { GRAPH_APP_ID } from "../../../src/emulator/well_known.ts";
import { customToken, graphErrorOf, graphRequest, graphToken, seededUser } from "./graph_token.ts";

const CHALLENGE =
  `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`;

async function assertUnauthorized(response: Response, message: string): Promise<void> {
  const error = await graphErrorOf(response);
  assert.equal(error.status, 401);
  assert.equal(error.code, "InvalidAuthenticationToken");
  assert.equal(error.message, message);
  assert.equal(error.headers.get("www-authenticate"), CHALLENGE);
  const requestId = error.headers.get("request-id");
  assert.match(requestId ?? "", /^[0-9a-f-]{36}$/);
  assert.equal(
    (error.body.error as Record<string, Record<string, string>>).innerError["request-id"],
    requestId,
  );
}

Deno.test("a request without a token is refused with Graph's challenge", async () => {
  await using emulator = await startEmulator();
  await assertUnauthorized(await graphRequest(emulator, "/v1.0/me"), "Access token is empty.");
  await assertUnauthorized(
    await graphRequest(emulator, "/v1.0/me", { headers: { authorization: "Bearer " } }),
    "Access token is empty.",
  );
  await assertUnauthorized(
    await graphRequest(emulator, "/v1.0/applications", { headers: { authorization: "Basic dXNlcjpwYXNz" } }),
    "Access token is empty.",
  );
});

Deno.test("a token that is not a JWT is refused", async () => {
  await using emulator = await startEmulator();
  await assertUnauthorized(
    await graphRequest(emulator, "/v1.0/me", { token: "not-a-jwt" }),
    "CompactToken parsing failed with error code: 80049217",
  );
});

Deno.test("tokens signed by an unknown key or with a broken signature are refused", async () => {
  await using emulator = await startEmulator();
  const stranger = await createSigningKey();
  const unknownKid = await customToken(emulator, {}, { key: stranger.privateKey, kid: stranger.kid });
  await assertUnauthorized(
    await graphRequest(emulator, "/v1.0/me", { token: unknownKid }),
    "Access token validation failure.",
  );
  const forgedWithKnownKid = await customToken(emulator, {}, { key: stranger.privateKey });
  await assertUnauthorized(
    await graphRequest(emulator, "/v1.0/me", { token: forgedWithKnownKid }),
    "Access token validation failure.",
  );
  // A real Graph token whose payload was altered after signing.
  const [header, payload, signature] = (await graphToken(emulator, seededUser(emulator, 0), {
    scopes: ["User.Read"],
  })).split(".");
  const claims = JSON.parse(
    new TextDecoder().decode(Uint8Array.fromBase64(payload, { alphabet: "base64url" })),
  );
  claims.oid = seededUser(emulator, 2).id;
  const tampered = [
    header,
    new TextEncoder().encode(JSON.stringify(claims)).toBase64({ alphabet: "base64url", omitPadding: true }),
    signature,
  ].join(".");
  await assertUnauthorized(
    await graphRequest(emulator, "/v1.0/me", { token: tampered }),
    "Access token validation failure.",
  );
});

Deno.test("a token for another API (the MCP server's v2 token) is refused as an invalid audience", async () => {
  await using emulator = await startEmulator();
  const { token } = await mintAccessToken(emulator.state, {
    user: seededUser(emulator, 0),
    clientAppId: DEMO.client.appId,
    clientAuth: "1",
    resourceAppId: DEMO.server.appId,
    audience: `api://${DEMO.server.appId}`,
    version: 2,
    scopes: ["access_as_user"],
  });
  await assertUnauthorized(
    await graphRequest(emulator, "/v1.0/me", { token }),
    "Access token validation failure. Invalid audience.",
  );
  const v1ForServer = await graphToken(emulator, seededUser(emulator, 0), {
    scopes: ["User.Read"],
    audience: `api://${DEMO.server.appId}`,
  });
  await assertUnauthorized(
    await graphRequest(emulator, "/v1.0/me", { token: v1ForServer }),
    "Access token validation failure. Invalid audience.",
  );
});

Deno.test("every Graph resource identifier is an accepted audience, and so is the emulator's origin", async () => {
  await using emulator = await startEmulator();
  const audiences = [
    "https://graph.microsoft.com",
    "https://graph.microsoft.com/",
    GRAPH_APP_ID,
    "https://graph.microsoft.us",
    "https://microsoftgraph.chinacloudapi.cn/",
    emulator.url,
    `${emulator.url}/`,
  ];
  for (const audience of audiences) {
    const token = await graphToken(emulator, seededUser(emulator, 0), { scopes: ["User.Read"], audience });
    const response = await graphRequest(emulator, "/v1.0/me", { token });
    assert.equal(response.status, 200, audience);
    await response.body?.cancel();
  }
});

Deno.test("an expired token is refused with no clock skew", async () => {
  await using emulator = await startEmulator({ settings: { accessTokenLifetimeSeconds: 1 } });
  const token = await graphToken(emulator, seededUser(emulator, 0), { scopes: ["User.Read"] });
  const exp = JSON.parse(new TextDecoder().decode(Uint8Array.fromBase64(token.split(".")[1], {
    alphabet: "base64url",
  }))).exp;
  const fresh = await graphRequest(emulator, "/v1.0/me", { token });
  assert.equal(fresh.status, 200, "valid until exp");
  await fresh.body?.cancel();
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, exp * 1000 - Date.now()) + 20));
  await assertUnauthorized(
    await graphRequest(emulator, "/v1.0/me", { token }),
    "Lifetime validation failed, the token is expired.",
  );
});

Deno.test("a token that is not yet valid is refused", async () => {
  await using emulator = await startEmulator();
  const now = Math.floor(Date.now() / 1000);
  const token = await customToken(emulator, { nbf: now + 60, iat: now + 60, exp: now + 3660 });
  await assertUnauthorized(
    await graphRequest(emulator, "/v1.0/me", { token }),
    "Lifetime validation failed, the token is expired.",
  );
});

Deno.test("a token from another issuer or tenant is refused", async () => {
  await using emulator = await startEmulator();
  const otherTenant = "11111111-2222-3333-4444-555555555555";
  for (
    const claims of [
      { iss: `${emulator.url}/${DEMO.tenantId}/v2.0` },
      { iss: `https://sts.windows.net/${otherTenant}/`, tid: otherTenant },
      { tid: otherTenant },
    ]
  ) {
    await assertUnauthorized(
      await graphRequest(emulator, "/v1.0/me", { token: await customToken(emulator, claims) }),
      "Access token validation failure. Invalid issuer.",
    );
  }
  const good = await graphRequest(emulator, "/v1.0/me", { token: await customToken(emulator, {}) });
  assert.equal(good.status, 200, "the same hand-made token with the right issuer passes");
  await good.body?.cancel();
});

Deno.test("successful responses carry Graph's OData and tracking headers", async () => {
  await using emulator = await startEmulator();
  const token = await graphToken(emulator, seededUser(emulator, 0), { scopes: ["User.Read"] });
  const echoed = await graphRequest(emulator, "/v1.0/me", {
    token,
    headers: { "client-request-id": "3f0c7d2e-1111-4222-8333-944455556666" },
  });
  assert.equal(echoed.status, 200);
  await echoed.body?.cancel();
  assert.equal(echoed.headers.get("client-request-id"), "3f0c7d2e-1111-4222-8333-944455556666");
  assert.equal(
    echoed.headers.get("content-type"),
    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8",
  );
  assert.equal(echoed.headers.get("odata-version"), "4.0");
  assert.ok(echoed.headers.get("x-ms-ags-diagnostic"));
  const generated = await graphRequest(emulator, "/v1.0/me", { token });
  await generated.body?.cancel();
  const requestId = generated.headers.get("request-id");
  assert.match(requestId ?? "", /^[0-9a-f-]{36}$/);
  assert.equal(generated.headers.get("client-request-id"), requestId, "generated when the client sends none");
  assert.notEqual(requestId, echoed.headers.get("request-id"));
});

Deno.test("Graph requests are counted per method and path, and injected faults apply", async () => {
  await using emulator = await startEmulator();
  const token = await graphToken(emulator, seededUser(emulator, 0), { scopes: ["User.Read", "Mail.Read"] });
  const fault = await fetch(`${emulator.url}/_emulator/faults`, {
    method: "POST",
    body: JSON.stringify({
      match: "graph:GET /v1.0/me/mailFolders/junkemail/messages",
      status: 429,
      retryAfter: 3,
    }),
  });
  await fault.body?.cancel();
  const throttled = await graphErrorOf(
    await graphRequest(emulator, "/v1.0/me/mailFolders/junkemail/messages?$top=2", { token }),
  );
  assert.equal(throttled.status, 429);
  assert.equal(throttled.code, "TooManyRequests");
  assert.equal(throttled.headers.get("retry-after"), "3");
  const retried = await graphRequest(emulator, "/v1.0/me/mailFolders/junkemail/messages?$top=2", { token });
  assert.equal(retried.status, 200);
  await retried.body?.cancel();
  const unauthenticated = await graphRequest(emulator, "/v1.0/me");
  await unauthenticated.body?.cancel();
  const stats = await (await fetch(`${emulator.url}/_emulator/stats`)).json();
  assert.deepEqual(stats.requests, {
    "graph:GET /v1.0/me/mailFolders/junkemail/messages": 2,
    "graph:GET /v1.0/me": 1,
  });
});

Deno.test("unknown Graph paths and methods get Graph's error shape", async () => {
  await using emulator = await startEmulator();
  const token = await graphToken(emulator, seededUser(emulator, 0), { scopes: ["User.Read"] });
  const unknown = await graphErrorOf(await graphRequest(emulator, "/v1.0/me/calendars/nope", { token }));
  assert.equal(unknown.status, 400);
  assert.equal(unknown.code, "BadRequest");
  assert.ok(unknown.headers.get("request-id"));
  const wrongMethod = await graphErrorOf(
    await graphRequest(emulator, "/v1.0/me", { token, method: "DELETE" }),
  );
  assert.equal(wrongMethod.status, 405);
  assert.equal(wrongMethod.code, "Request_BadRequest");
});
