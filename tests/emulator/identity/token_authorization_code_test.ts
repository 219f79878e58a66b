import assert from "node:assert/strict";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { startEmulator } from "../../../src/emulator/mod.ts";
import { DEMO } from "../../../src/emulator/seed.ts";
import { AZURE_CLI_APP_ID } from "../../../src/emulator/well_known.ts";
import {
  addApp,
  ADELE,
  authorizationCode,
  CLIENT_REDIRECT,
  expectEntraError,
  headerOf,
  MIRIAM,
  oboFields,
  payloadOf,
  pkcePair,
  postToken,
  SERVER_SCOPE,
  TID,
  tokenOk,
  tokenUrl,
} from "./helpers.ts";

/** A fresh code for the demo client (Web redirect, PKCE S256). */
async function demoCode(
  emulator: Awaited<ReturnType<typeof startEmulator>>,
  options: { scope?: string; user?: string; extra?: Record<string, string> } = {},
): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = await pkcePair();
  const code = await authorizationCode(emulator, {
    client_id: DEMO.client.appId,
    redirect_uri: CLIENT_REDIRECT,
    scope: options.scope ?? `${SERVER_SCOPE} offline_access`,
    login_hint: options.user ?? ADELE,
    code_challenge: challenge,
    code_challenge_method: "S256",
    ...options.extra,
  });
  return { code, verifier };
}

function redeemFields(code: string, verifier: string): Record<string, string> {
  return {
    grant_type: "authorization_code",
    client_id: DEMO.client.appId,
    code,
    redirect_uri: CLIENT_REDIRECT,
    code_verifier: verifier,
  };
}

function basicHeader(id: string, secret: string): Record<string, string> {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, "+");
  return { authorization: `Basic ${btoa(`${encode(id)}:${encode(secret)}`)}` };
}

Deno.test("round trip: authorize with PKCE, redeem with secret post and basic, verify, OBO to Graph", async () => {
  await using emulator = await startEmulator();
  const discovery = await (await fetch(`${emulator.url}/${TID}/v2.0/.well-known/openid-configuration`))
    .json();
  const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));

  const tokens: string[] = [];
  for (const method of ["client_secret_post", "client_secret_basic"]) {
    const { code, verifier } = await demoCode(emulator);
    const fields = redeemFields(code, verifier);
    const body = method === "client_secret_post"
      ? await tokenOk(emulator, { ...fields, client_secret: DEMO.client.secret })
      : await tokenOk(emulator, fields, { headers: basicHeader(DEMO.client.appId, DEMO.client.secret) });
    assert.equal(body.token_type, "Bearer");
    assert.equal(body.scope, `${SERVER_SCOPE} offline_access`);
    assert.equal(typeof body.refresh_token, "string");
    assert.equal(body.id_token, undefined, "no id_token without openid");
    assert.equal(body.client_info, undefined, "no client_info unless asked");
    assert.equal(body.expires_in, body.ext_expires_in);
    const { payload, protectedHeader } = await jwtVerify(body.access_token as string, jwks, {
      issuer: discovery.issuer,
      audience: DEMO.server.appId,
    });
    assert.equal(discovery.issuer, `${emulator.url}/${TID}/v2.0`);
    assert.equal(protectedHeader.alg, "RS256");
    assert.equal(payload.ver, "2.0");
    assert.equal(payload.scp, "access_as_user");
    assert.equal(payload.azp, DEMO.client.appId);
    assert.equal(payload.azpacr, "1");
    assert.equal(payload.preferred_username, ADELE);
    tokens.push(body.access_token as string);
  }

  const obo = await tokenOk(emulator, {
    ...oboFields(tokens[1], "https://graph.microsoft.com/.default openid profile offline_access"),
    client_info: "1",
    "x-client-SKU": "msal.js.node",
    "x-client-VER": "2.15.0",
    "x-ms-lib-capability": "retry-after, h429",
  });
  const header = headerOf(obo.access_token);
  const graph = payloadOf(obo.access_token);
  assert.equal(typeof header.nonce, "string");
  assert.equal(graph.aud, "https://graph.microsoft.com");
  assert.equal(graph.scp, "User.Read Mail.Read");
  assert.equal(graph.ver, "1.0");
  assert.equal(graph.appid, DEMO.server.appId);
  assert.equal(graph.iss, `https://sts.windows.net/${TID}/`);
  assert.equal(graph.upn, ADELE);
  assert.equal(obo.scope, "User.Read Mail.Read openid profile offline_access");
  assert.equal(typeof obo.refresh_token, "string");
  assert.equal(payloadOf(obo.id_token).aud, DEMO.server.appId);
  const info = JSON.parse(
    new TextDecoder().decode(Uint8Array.fromBase64(obo.client_info as string, { alphabet: "base64url" })),
  );
  assert.deepEqual(info, { uid: graph.oid, utid: TID });
  await assert.rejects(jwtVerify(obo.access_token as string, jwks), "Graph tokens never verify for others");
});

Deno.test("the token endpoint answers with no-store headers, ignores query strings and echoes client-request-id", async () => {
  await using emulator = await startEmulator();
  const { code, verifier } = await demoCode(emulator);
  const correlationId = crypto.randomUUID();
  const response = await postToken(emulator, {
    ...redeemFields(code, verifier),
    client_secret: DEMO.client.secret,
  }, {
    url: `${tokenUrl(emulator)}?client-request-id=${crypto.randomUUID()}`,
    headers: { "client-request-id": correlationId },
  });
  await response.json();
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("cache-control"), "no-store, no-cache");
  assert.equal(response.headers.get("content-type"), "application/json; charset=utf-8");
  const failed = await postToken(emulator, {
    ...redeemFields(code, verifier),
    client_secret: DEMO.client.secret,
  }, {
    headers: { "client-request-id": correlationId },
  });
  assert.equal(failed.headers.get("cache-control"), "no-store, no-cache");
  const body = await expectEntraError(failed, { status: 400, error: "invalid_grant", code: 54005 });
  assert.equal(body.correlation_id, correlationId);
  assert.ok((body.error_description as string).includes(`Correlation ID: ${correlationId}`));
});

Deno.test("GET is AADSTS900561, a missing grant_type 900144, an unknown one 70003", async () => {
  await using emulator = await startEmulator();
  await expectEntraError(await fetch(tokenUrl(emulator)), {
    status: 400,
    error: "invalid_request",
    code: 900561,
  });
  await expectEntraError(await postToken(emulator, { client_id: DEMO.client.appId }), {
    status: 400,
    error: "invalid_request",
    code: 900144,
  });
  const json = await fetch(tokenUrl(emulator), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ grant_type: "client_credentials" }),
  });
  await expectEntraError(json, { status: 400, error: "invalid_request", code: 900144 });
  const unknown = await expectEntraError(await postToken(emulator, { grant_type: "password" }), {
    status: 400,
    error: "unsupported_grant_type",
    code: 70003,
  });
  assert.ok((unknown.error_description as string).includes("'password'"));
  const stats = await (await fetch(`${emulator.url}/_emulator/stats`)).json();
  assert.deepEqual(
    Object.keys(stats.requests).filter((k) => k.startsWith("token")),
    [],
    "unknown grants are not counted",
  );
});

Deno.test("token requests are counted per grant type and injected faults apply", async () => {
  await using emulator = await startEmulator();
  const fault = await fetch(`${emulator.url}/_emulator/faults`, {
    method: "POST",
    body: JSON.stringify({ match: "token:authorization_code", status: 503, retryAfter: 3 }),
  });
  await fault.body?.cancel();
  const { code, verifier } = await demoCode(emulator);
  const fields = { ...redeemFields(code, verifier), client_secret: DEMO.client.secret };
  const failed = await postToken(emulator, fields);
  assert.equal(failed.status, 503);
  assert.equal(failed.headers.get("retry-after"), "3");
  assert.deepEqual((await failed.json()).error_codes, [90033]);
  await tokenOk(emulator, fields);
  const stats = await (await fetch(`${emulator.url}/_emulator/stats`)).json();
  assert.equal(stats.requests["token:authorization_code"], 2);
});

Deno.test("codes: reuse 54005, expired 70008, unknown 70000, another client's 70000", async () => {
  await using emulator = await startEmulator();
  const { code, verifier } = await demoCode(emulator);
  const fields = { ...redeemFields(code, verifier), client_secret: DEMO.client.secret };
  await tokenOk(emulator, fields);
  await expectEntraError(await postToken(emulator, fields), {
    status: 400,
    error: "invalid_grant",
    code: 54005,
  });

  const expired = await demoCode(emulator);
  emulator.state.authorizationCodes.get(expired.code)!.expiresAtMs = Date.now() - 1;
  await expectEntraError(
    await postToken(emulator, {
      ...redeemFields(expired.code, expired.verifier),
      client_secret: DEMO.client.secret,
    }),
    { status: 400, error: "invalid_grant", code: 70008 },
  );

  await expectEntraError(
    await postToken(emulator, {
      ...redeemFields("1.not-a-code", verifier),
      client_secret: DEMO.client.secret,
    }),
    { status: 400, error: "invalid_grant", code: 70000 },
  );

  const other = await demoCode(emulator);
  await expectEntraError(
    await postToken(emulator, {
      ...redeemFields(other.code, other.verifier),
      client_id: DEMO.server.appId,
      client_secret: DEMO.server.secret,
    }),
    { status: 400, error: "invalid_grant", code: 70000 },
  );
});

Deno.test("redirect_uri must equal the authorize one; PKCE must match (501481)", async () => {
  await using emulator = await startEmulator();
  const a = await demoCode(emulator);
  await expectEntraError(
    await postToken(emulator, {
      ...redeemFields(a.code, a.verifier),
      redirect_uri: "http://localhost:9999/oauth/mcp/callback",
      client_secret: DEMO.client.secret,
    }),
    { status: 400, error: "invalid_request", code: 50011 },
  );
  await expectEntraError(
    await postToken(emulator, { ...redeemFields(a.code, a.verifier), client_secret: DEMO.client.secret }),
    { status: 400, error: "invalid_grant", code: 54005 },
  );
  const b = await demoCode(emulator);
  const wrongVerifier = (await pkcePair()).verifier;
  await expectEntraError(
    await postToken(emulator, { ...redeemFields(b.code, wrongVerifier), client_secret: DEMO.client.secret }),
    { status: 400, error: "invalid_grant", code: 501481 },
  );
  const c = await demoCode(emulator);
  const { code_verifier: _, ...withoutVerifier } = redeemFields(c.code, c.verifier);
  await expectEntraError(
    await postToken(emulator, { ...withoutVerifier, client_secret: DEMO.client.secret }),
    {
      status: 400,
      error: "invalid_grant",
      code: 501481,
    },
  );
  await expectEntraError(
    await postToken(emulator, { ...redeemFields(c.code, c.verifier), redirect_uri: "" }),
    { status: 400, error: "invalid_request", code: 900144 },
  );
});

Deno.test("plain PKCE works; without a challenge a Web client needs no verifier", async () => {
  await using emulator = await startEmulator();
  const verifier = "a".repeat(50);
  const plain = await authorizationCode(emulator, {
    client_id: DEMO.client.appId,
    redirect_uri: CLIENT_REDIRECT,
    scope: SERVER_SCOPE,
    login_hint: ADELE,
    code_challenge: verifier,
  });
  await tokenOk(emulator, { ...redeemFields(plain, verifier), client_secret: DEMO.client.secret });
  const plainAgain = await authorizationCode(emulator, {
    client_id: DEMO.client.appId,
    redirect_uri: CLIENT_REDIRECT,
    scope: SERVER_SCOPE,
    login_hint: ADELE,
    code_challenge: verifier,
    code_challenge_method: "plain",
  });
  await expectEntraError(
    await postToken(emulator, {
      ...redeemFields(plainAgain, "b".repeat(50)),
      client_secret: DEMO.client.secret,
    }),
    { status: 400, error: "invalid_grant", code: 501481 },
  );
  const noPkce = await authorizationCode(emulator, {
    client_id: DEMO.client.appId,
    redirect_uri: CLIENT_REDIRECT,
    scope: SERVER_SCOPE,
    login_hint: ADELE,
  });
  const { code_verifier: _, ...fields } = redeemFields(noPkce, "");
  const body = await tokenOk(emulator, { ...fields, client_secret: DEMO.client.secret });
  assert.equal(body.refresh_token, undefined, "no refresh token without offline_access");
});

Deno.test("client authentication failures: 7000215, 7000222, 7000218, 700016", async () => {
  await using emulator = await startEmulator();
  const a = await demoCode(emulator);
  const wrong = await expectEntraError(
    await postToken(emulator, { ...redeemFields(a.code, a.verifier), client_secret: "wrong" }),
    { status: 401, error: "invalid_client", code: 7000215 },
  );
  assert.ok((wrong.error_description as string).includes(DEMO.client.appId));
  await expectEntraError(
    await postToken(emulator, redeemFields(a.code, a.verifier), {
      headers: basicHeader(DEMO.client.appId, "nope"),
    }),
    { status: 401, error: "invalid_client", code: 7000215 },
  );
  await expectEntraError(await postToken(emulator, redeemFields(a.code, a.verifier)), {
    status: 401,
    error: "invalid_client",
    code: 7000218,
  });
  const client = emulator.state.directory.applications.find((app) => app.appId === DEMO.client.appId)!;
  client.passwordCredentials[0].endDateTime = "2020-01-01T00:00:00Z";
  await expectEntraError(
    await postToken(emulator, { ...redeemFields(a.code, a.verifier), client_secret: DEMO.client.secret }),
    { status: 401, error: "invalid_client", code: 7000222 },
  );
  await expectEntraError(
    await postToken(emulator, {
      ...redeemFields(a.code, a.verifier),
      client_id: crypto.randomUUID(),
      client_secret: "x",
    }),
    { status: 400, error: "unauthorized_client", code: 700016 },
  );
});

Deno.test("client_secret_basic decodes form-encoded credentials (RFC 6749 §2.3.1)", async () => {
  await using emulator = await startEmulator();
  const app = addApp(emulator, { secret: "a+b/c:d%e f~" });
  app.application.web.redirectUris = [CLIENT_REDIRECT];
  const { verifier, challenge } = await pkcePair();
  const code = await authorizationCode(emulator, {
    client_id: app.appId,
    redirect_uri: CLIENT_REDIRECT,
    scope: "User.Read",
    login_hint: ADELE,
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  const body = await tokenOk(
    emulator,
    { grant_type: "authorization_code", code, redirect_uri: CLIENT_REDIRECT, code_verifier: verifier },
    { headers: basicHeader(app.appId, "a+b/c:d%e f~") },
  );
  assert.equal(payloadOf(body.access_token).appidacr, "1");
});

Deno.test("id_token with openid (nonce, email), client_info with client_info=1, scope echo", async () => {
  await using emulator = await startEmulator();
  const { code, verifier } = await demoCode(emulator, {
    scope: `openid ${SERVER_SCOPE} profile email offline_access`,
    user: MIRIAM,
    extra: { nonce: "nonce-123" },
  });
  const body = await tokenOk(emulator, {
    ...redeemFields(code, verifier),
    client_secret: DEMO.client.secret,
    client_info: "1",
  });
  assert.equal(body.scope, `${SERVER_SCOPE} openid profile email offline_access`);
  const id = payloadOf(body.id_token);
  assert.equal(id.aud, DEMO.client.appId);
  assert.equal(id.nonce, "nonce-123");
  assert.equal(id.email, "miriam@contoso.com");
  assert.equal(id.iss, `${emulator.url}/${TID}/v2.0`);
  const miriam = emulator.state.directory.users.find((u) => u.admin)!;
  assert.equal(id.oid, miriam.id);
  assert.equal(typeof body.client_info, "string");
  const access = payloadOf(body.access_token);
  assert.deepEqual(access.wids, ["62e90394-69f5-4237-9190-012177145e10"]);
});

Deno.test("a v1 resource gets a v1 token whose aud is the resource as named", async () => {
  await using emulator = await startEmulator();
  const server = emulator.state.directory.applications.find((a) => a.appId === DEMO.server.appId)!;
  server.api.requestedAccessTokenVersion = null;
  const { code, verifier } = await demoCode(emulator, { scope: SERVER_SCOPE });
  const body = await tokenOk(emulator, {
    ...redeemFields(code, verifier),
    client_secret: DEMO.client.secret,
  });
  const access = payloadOf(body.access_token);
  assert.equal(access.ver, "1.0");
  assert.equal(access.aud, `api://${DEMO.server.appId}`);
  assert.equal(access.iss, `https://sts.windows.net/${TID}/`);
  assert.equal(access.appid, DEMO.client.appId);
  assert.equal(access.scp, "access_as_user");
  const guid = await demoCode(emulator, { scope: `${DEMO.server.appId}/access_as_user` });
  const byGuid = await tokenOk(emulator, {
    ...redeemFields(guid.code, guid.verifier),
    client_secret: DEMO.client.secret,
  });
  assert.equal(payloadOf(byGuid.access_token).aud, DEMO.server.appId);
  assert.equal(byGuid.scope, `${DEMO.server.appId}/access_as_user`);
});

Deno.test("the access token carries MFA when the sign-in answered a claims challenge", async () => {
  await using emulator = await startEmulator();
  const { code, verifier } = await demoCode(emulator, {
    extra: { claims: '{"access_token":{"acrs":{"essential":true}}}' },
  });
  const body = await tokenOk(emulator, {
    ...redeemFields(code, verifier),
    client_secret: DEMO.client.secret,
  });
  assert.deepEqual(payloadOf(body.access_token).acrs, ["c1"]);
  const plain = await demoCode(emulator);
  const plainBody = await tokenOk(emulator, {
    ...redeemFields(plain.code, plain.verifier),
    client_secret: DEMO.client.secret,
  });
  assert.equal(payloadOf(plainBody.access_token).acrs, undefined);
});

Deno.test("public clients redeem codes without a secret and may not present one (700025)", async () => {
  await using emulator = await startEmulator();
  const { verifier, challenge } = await pkcePair();
  const params = {
    client_id: AZURE_CLI_APP_ID,
    redirect_uri: "http://localhost:8400",
    scope: "https://graph.microsoft.com/User.Read offline_access openid",
    login_hint: ADELE,
    code_challenge: challenge,
    code_challenge_method: "S256",
  };
  const code = await authorizationCode(emulator, params);
  const fields = {
    grant_type: "authorization_code",
    client_id: AZURE_CLI_APP_ID,
    code,
    redirect_uri: "http://localhost:8400",
    code_verifier: verifier,
  };
  const body = await tokenOk(emulator, fields);
  const access = payloadOf(body.access_token);
  assert.equal(access.appidacr, "0");
  assert.equal(access.aud, "https://graph.microsoft.com");
  assert.equal(access.scp, "User.Read");
  assert.equal(body.scope, "User.Read offline_access openid");
  const second = await authorizationCode(emulator, params);
  await expectEntraError(await postToken(emulator, { ...fields, code: second, client_secret: "x" }), {
    status: 401,
    error: "invalid_client",
    code: 700025,
  });
});

Deno.test("consent withdrawn between authorize and redemption is AADSTS65001", async () => {
  await using emulator = await startEmulator();
  const app = addApp(emulator);
  app.application.web.redirectUris = [CLIENT_REDIRECT];
  const code = await authorizationCode(emulator, {
    client_id: app.appId,
    redirect_uri: CLIENT_REDIRECT,
    scope: "User.Read",
    login_hint: ADELE,
  });
  emulator.state.directory.permissionGrants = emulator.state.directory.permissionGrants.filter((g) =>
    g.clientId !== app.servicePrincipal!.id
  );
  await expectEntraError(
    await postToken(emulator, {
      grant_type: "authorization_code",
      client_id: app.appId,
      client_secret: app.secret,
      code,
      redirect_uri: CLIENT_REDIRECT,
    }),
    { status: 400, error: "invalid_grant", code: 65001, suberror: "consent_required" },
  );
});
