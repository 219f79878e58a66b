import assert from "node:assert/strict";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { startEmulator } from "../../../src/emulator/mod.ts";
import { DEMO } from "../../../src/emulator/seed.ts";

const TID = DEMO.tenantId;

Deno.test("v2.0 discovery has Entra's field set with the tenant GUID, also when asked by domain", async () => {
  await using emulator = await startEmulator();
  for (const segment of [TID, DEMO.domain]) {
    const response = await fetch(`${emulator.url}/${segment}/v2.0/.well-known/openid-configuration`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("cache-control"), "max-age=86400, private");
    assert.equal(response.headers.get("access-control-allow-origin"), "*");
    const doc = await response.json();
    assert.equal(doc.issuer, `${emulator.url}/${TID}/v2.0`);
    assert.equal(doc.jwks_uri, `${emulator.url}/${TID}/discovery/v2.0/keys`);
    assert.equal(doc.token_endpoint, `${emulator.url}/${TID}/oauth2/v2.0/token`);
    assert.equal(doc.authorization_endpoint, `${emulator.url}/${TID}/oauth2/v2.0/authorize`);
    assert.equal(doc.device_authorization_endpoint, `${emulator.url}/${TID}/oauth2/v2.0/devicecode`);
    assert.deepEqual(doc.token_endpoint_auth_methods_supported, [
      "client_secret_post",
      "private_key_jwt",
      "client_secret_basic",
    ]);
    assert.deepEqual(doc.id_token_signing_alg_values_supported, ["RS256"]);
    assert.equal(doc.registration_endpoint, undefined, "Entra has no dynamic client registration");
  }
});

Deno.test("common and organizations discovery keep the {tenantid} issuer template", async () => {
  await using emulator = await startEmulator();
  for (const segment of ["common", "organizations"]) {
    const doc = await (await fetch(`${emulator.url}/${segment}/v2.0/.well-known/openid-configuration`))
      .json();
    assert.equal(doc.issuer, `${emulator.url}/{tenantid}/v2.0`);
    assert.equal(doc.token_endpoint, `${emulator.url}/${segment}/oauth2/v2.0/token`);
  }
});

Deno.test("v1.0 discovery names the sts.windows.net issuer and the v1 keys", async () => {
  await using emulator = await startEmulator();
  const doc = await (await fetch(`${emulator.url}/${TID}/.well-known/openid-configuration`)).json();
  assert.equal(doc.issuer, `https://sts.windows.net/${TID}/`);
  assert.equal(doc.jwks_uri, `${emulator.url}/${TID}/discovery/keys`);
});

Deno.test("RFC 8414 and path-inserted well-known URLs answer 404, as on Entra", async () => {
  await using emulator = await startEmulator();
  for (
    const path of [
      `/.well-known/oauth-authorization-server/${TID}/v2.0`,
      `/.well-known/openid-configuration/${TID}/v2.0`,
      `/${TID}/v2.0/.well-known/oauth-authorization-server`,
    ]
  ) {
    const response = await fetch(`${emulator.url}${path}`);
    assert.equal(response.status, 404, path);
    assert.ok(!response.headers.get("content-type")?.includes("json"), `${path} must not answer JSON`);
    await response.body?.cancel();
  }
});

Deno.test("an unknown tenant gets AADSTS90002 in Entra's error shape", async () => {
  await using emulator = await startEmulator();
  const response = await fetch(`${emulator.url}/not-a-tenant/v2.0/.well-known/openid-configuration`);
  assert.equal(response.status, 400);
  assert.equal(response.headers.get("retry-after"), null);
  const body = await response.json();
  assert.equal(body.error, "invalid_tenant");
  assert.deepEqual(body.error_codes, [90002]);
  assert.match(
    body.error_description,
    /^AADSTS90002: Tenant 'not-a-tenant' not found\..* Trace ID: \S+ Correlation ID: \S+ Timestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/,
  );
  assert.equal(body.trace_id, response.headers.get("x-ms-request-id"));
  assert.equal(body.error_uri, "https://login.microsoftonline.com/error?code=90002");
});

Deno.test("JWKS keys carry Entra's fields and the {tenantid} issuer template; v1 and v2 agree", async () => {
  await using emulator = await startEmulator();
  const v2 = await (await fetch(`${emulator.url}/${TID}/discovery/v2.0/keys`)).json();
  const v1 = await (await fetch(`${emulator.url}/${TID}/discovery/keys`)).json();
  assert.equal(v2.keys.length, 1);
  const [key] = v2.keys;
  for (const field of ["kty", "use", "kid", "x5t", "n", "e", "x5c", "issuer"]) assert.ok(key[field], field);
  assert.equal(key.kty, "RSA");
  assert.equal(key.use, "sig");
  assert.equal(key.x5t, key.kid);
  assert.equal(key.issuer, `${emulator.url}/{tenantid}/v2.0`);
  // kid/x5t is the SHA-1 thumbprint of the certificate in x5c.
  const der = Uint8Array.fromBase64(key.x5c[0]);
  const thumbprint = new Uint8Array(await crypto.subtle.digest("SHA-1", der));
  assert.equal(thumbprint.toBase64({ alphabet: "base64url", omitPadding: true }), key.kid);
  assert.deepEqual(v1.keys.map((k: { kid: string }) => k.kid), v2.keys.map((k: { kid: string }) => k.kid));
});

Deno.test("rotating keys publishes the new key first and keeps the previous one until the next rotation", async () => {
  await using emulator = await startEmulator();
  const keysUrl = `${emulator.url}/${TID}/discovery/v2.0/keys`;
  const kids = async () => (await (await fetch(keysUrl)).json()).keys.map((k: { kid: string }) => k.kid);
  const [first] = await kids();
  const rotated = await (await fetch(`${emulator.url}/_emulator/rotate-keys`, { method: "POST" })).json();
  assert.deepEqual(await kids(), [rotated.kid, first]);
  const again = await (await fetch(`${emulator.url}/_emulator/rotate-keys`, { method: "POST" })).json();
  assert.deepEqual(await kids(), [again.kid, rotated.kid]);
});

Deno.test("tokens minted by the emulator verify with jose against its JWKS", async () => {
  await using emulator = await startEmulator();
  const { mintAccessToken } = await import("../../../src/emulator/tokens.ts");
  const user = emulator.state.directory.users[0];
  const { token } = await mintAccessToken(emulator.state, {
    user,
    clientAppId: DEMO.client.appId,
    clientAuth: "1",
    resourceAppId: DEMO.server.appId,
    audience: `api://${DEMO.server.appId}`,
    version: 2,
    scopes: ["access_as_user"],
  });
  const jwks = createRemoteJWKSet(new URL(`${emulator.url}/${TID}/discovery/v2.0/keys`));
  const { payload, protectedHeader } = await jwtVerify(token, jwks, {
    issuer: `${emulator.url}/${TID}/v2.0`,
    audience: DEMO.server.appId,
  });
  assert.equal(protectedHeader.alg, "RS256");
  assert.equal(payload.scp, "access_as_user");
  assert.equal(payload.azp, DEMO.client.appId);
  assert.equal(payload.oid, user.id);
  assert.equal(payload.preferred_username, user.userPrincipalName);
  assert.equal(payload.ver, "2.0");
  const lifetime = payload.exp! - payload.iat!;
  assert.ok(lifetime >= 3600 && lifetime <= 5400, `lifetime ${lifetime} must be 60-90 minutes`);
});

Deno.test("Graph tokens carry a nonce header and fail standard verification, like real ones", async () => {
  await using emulator = await startEmulator();
  const { mintAccessToken, checkTokenSignature } = await import("../../../src/emulator/tokens.ts");
  const { GRAPH_APP_ID } = await import("../../../src/emulator/well_known.ts");
  const { token } = await mintAccessToken(emulator.state, {
    user: emulator.state.directory.users[0],
    clientAppId: DEMO.server.appId,
    clientAuth: "1",
    resourceAppId: GRAPH_APP_ID,
    audience: "https://graph.microsoft.com",
    version: 1,
    scopes: ["User.Read", "Mail.Read"],
  });
  const jwks = createRemoteJWKSet(new URL(`${emulator.url}/${TID}/discovery/v2.0/keys`));
  await assert.rejects(jwtVerify(token, jwks), /signature verification failed/);
  const asGraph = await checkTokenSignature(emulator.state, token, { acceptNonce: true });
  assert.equal(asGraph.ok, true);
  const asOthers = await checkTokenSignature(emulator.state, token, { acceptNonce: false });
  assert.deepEqual(asOthers, { ok: false, reason: "bad_signature" });
});
