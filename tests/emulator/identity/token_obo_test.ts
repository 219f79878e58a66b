import assert from "node:assert/strict";
import { SignJWT } from "jose";
import { type EmulatorHandle, startEmulator } from "../../../src/emulator/mod.ts";
import { DEMO } from "../../../src/emulator/seed.ts";
import { MFA_POLICY_ID } from "../../../src/emulator/identity/conditional_access.ts";
import {
  addApp,
  ADELE,
  expectEntraError,
  MEGAN,
  oboFields,
  payloadOf,
  postToken,
  serverAccessToken,
  TID,
  tokenOk,
} from "./helpers.ts";

const GRAPH_DEFAULT = "https://graph.microsoft.com/.default";
const MSAL_SCOPE = `${GRAPH_DEFAULT} openid profile offline_access`;

/** Signs arbitrary claims with the emulator's current key, to build assertions Entra would have issued. */
async function signedByEmulator(emulator: EmulatorHandle, claims: Record<string, unknown>): Promise<string> {
  const key = emulator.state.keys.current;
  const now = Math.floor(Date.now() / 1000);
  return await new SignJWT({
    aud: DEMO.server.appId,
    iss: `${emulator.url}/${TID}/v2.0`,
    iat: now - 60,
    nbf: now - 60,
    exp: now + 3600,
    oid: emulator.state.directory.users[0].id,
    scp: "access_as_user",
    tid: TID,
    ver: "2.0",
    ...claims,
  }).setProtectedHeader({ alg: "RS256", typ: "JWT", kid: key.kid }).sign(key.privateKey);
}

Deno.test("OBO returns a Graph token for the user, with msal-node's extra fields accepted", async () => {
  await using emulator = await startEmulator();
  const assertion = await serverAccessToken(emulator);
  const body = await tokenOk(emulator, {
    ...oboFields(assertion, MSAL_SCOPE),
    client_info: "1",
    "x-client-SKU": "msal.js.node",
    "x-client-VER": "2.15.0",
    "x-client-OS": "linux",
    "x-client-CPU": "x64",
    "x-ms-lib-capability": "retry-after, h429",
    "x-client-current-telemetry": "5|771,2,,,|,",
    "x-client-last-telemetry": "5|0|||0,0",
    "client-request-id": crypto.randomUUID(),
  }, { url: `${emulator.url}/${TID}/oauth2/v2.0/token?client-request-id=${crypto.randomUUID()}` });
  assert.deepEqual(Object.keys(body), [
    "token_type",
    "scope",
    "expires_in",
    "ext_expires_in",
    "access_token",
    "refresh_token",
    "id_token",
    "client_info",
  ]);
  const graph = payloadOf(body.access_token);
  assert.equal(graph.aud, "https://graph.microsoft.com");
  assert.equal(graph.scp, "User.Read Mail.Read");
  assert.equal(graph.appid, DEMO.server.appId);
  assert.equal(graph.appidacr, "1");
  assert.equal(graph.oid, emulator.state.directory.users[0].id);
  assert.deepEqual(graph.amr, ["pwd"]);
  const stats = await (await fetch(`${emulator.url}/_emulator/stats`)).json();
  assert.equal(stats.requests["token:jwt-bearer"], 1);
});

Deno.test("OBO scope forms: explicit Graph names, the emulator origin, and no refresh token without offline_access", async () => {
  await using emulator = await startEmulator();
  const assertion = await serverAccessToken(emulator);
  const explicit = await tokenOk(emulator, oboFields(assertion, "https://graph.microsoft.com/Mail.Read"));
  assert.equal(payloadOf(explicit.access_token).scp, "Mail.Read");
  assert.equal(explicit.scope, "Mail.Read");
  assert.equal(explicit.refresh_token, undefined);
  assert.equal(explicit.id_token, undefined);
  const bare = await tokenOk(emulator, oboFields(assertion, "User.Read Mail.Read"));
  assert.equal(payloadOf(bare.access_token).aud, "https://graph.microsoft.com");
  const origin = await tokenOk(emulator, oboFields(assertion, `${emulator.url}/.default`));
  assert.equal(payloadOf(origin.access_token).aud, "https://graph.microsoft.com");
  assert.equal(payloadOf(origin.access_token).scp, "User.Read Mail.Read");
  const guid = await tokenOk(emulator, oboFields(assertion, "00000003-0000-0000-c000-000000000000/.default"));
  assert.equal(payloadOf(guid.access_token).aud, "00000003-0000-0000-c000-000000000000");
  // Only OIDC scopes: Entra answers with a Graph token carrying User.Read when it is consented.
  const oidcOnly = await tokenOk(emulator, oboFields(assertion, "openid profile"));
  assert.equal(payloadOf(oidcOnly.access_token).scp, "User.Read");
  assert.equal(oidcOnly.scope, "User.Read openid profile");
});

Deno.test("OBO authenticates the client before looking at the assertion", async () => {
  await using emulator = await startEmulator();
  await expectEntraError(
    await postToken(emulator, { ...oboFields("garbage", GRAPH_DEFAULT), client_secret: "wrong" }),
    { status: 401, error: "invalid_client", code: 7000215 },
  );
  const { client_secret: _, ...noSecret } = oboFields("garbage", GRAPH_DEFAULT);
  await expectEntraError(await postToken(emulator, noSecret), {
    status: 401,
    error: "invalid_client",
    code: 7000218,
  });
});

Deno.test("OBO rejects malformed (50027) and badly signed (50013) assertions, including Graph tokens", async () => {
  await using emulator = await startEmulator();
  await expectEntraError(await postToken(emulator, oboFields("not.a-jwt", GRAPH_DEFAULT)), {
    status: 400,
    error: "invalid_request",
    code: 50027,
  });
  const assertion = await serverAccessToken(emulator);
  const [header, payload, signature] = assertion.split(".");
  const tampered = `${header}.${payload}.${signature.slice(0, -4)}AAAA`;
  await expectEntraError(await postToken(emulator, oboFields(tampered, GRAPH_DEFAULT)), {
    status: 400,
    error: "invalid_grant",
    code: 50013,
  });
  const graph = await tokenOk(emulator, oboFields(assertion, GRAPH_DEFAULT));
  await expectEntraError(await postToken(emulator, oboFields(graph.access_token as string, GRAPH_DEFAULT)), {
    status: 400,
    error: "invalid_grant",
    code: 50013,
  });
  await (await fetch(`${emulator.url}/_emulator/rotate-keys`, { method: "POST" })).body?.cancel();
  await (await fetch(`${emulator.url}/_emulator/rotate-keys`, { method: "POST" })).body?.cancel();
  const unknownKey = await expectEntraError(await postToken(emulator, oboFields(assertion, GRAPH_DEFAULT)), {
    status: 400,
    error: "invalid_grant",
    code: 50013,
  });
  assert.match(unknownKey.error_description as string, /Key was not found/);
});

Deno.test("OBO refuses an expired assertion without clock-skew grace (500133, with the times)", async () => {
  await using emulator = await startEmulator();
  const now = Math.floor(Date.now() / 1000);
  const expired = await signedByEmulator(emulator, { exp: now });
  const body = await expectEntraError(await postToken(emulator, oboFields(expired, GRAPH_DEFAULT)), {
    status: 400,
    error: "invalid_grant",
    code: 500133,
  });
  assert.match(body.error_description as string, /Current time: \d{4}-.*, expiry time of assertion \d{4}-/);
  const valid = await signedByEmulator(emulator, { exp: now + 5 });
  await tokenOk(emulator, oboFields(valid, GRAPH_DEFAULT));
});

Deno.test("OBO accepts only this tenant's issuers, user tokens, and the calling client as audience", async () => {
  await using emulator = await startEmulator();
  const foreign = await signedByEmulator(emulator, { iss: "https://login.microsoftonline.com/other/v2.0" });
  await expectEntraError(await postToken(emulator, oboFields(foreign, GRAPH_DEFAULT)), {
    status: 400,
    error: "invalid_grant",
    code: 50013,
  });
  const v1 = await signedByEmulator(emulator, {
    iss: `https://sts.windows.net/${TID}/`,
    aud: `api://${DEMO.server.appId}`,
    ver: "1.0",
  });
  await tokenOk(emulator, oboFields(v1, GRAPH_DEFAULT));
  const appOnly = await signedByEmulator(emulator, { scp: undefined, idtyp: "app", roles: ["Data.Read"] });
  await expectEntraError(await postToken(emulator, oboFields(appOnly, GRAPH_DEFAULT)), {
    status: 400,
    error: "invalid_grant",
    code: 7000114,
  });
  const forClient = await signedByEmulator(emulator, { aud: DEMO.client.appId });
  const body = await expectEntraError(await postToken(emulator, oboFields(forClient, GRAPH_DEFAULT)), {
    status: 400,
    error: "invalid_grant",
    code: 500131,
  });
  assert.ok(
    (body.error_description as string).includes(`The audience in the assertion was '${DEMO.client.appId}'`),
  );
});

Deno.test("OBO scope errors: several resources 28000, unknown scope 650053, unknown resource 500011", async () => {
  await using emulator = await startEmulator();
  const assertion = await serverAccessToken(emulator);
  const cases: Array<[string, string, number]> = [
    [`${GRAPH_DEFAULT} api://${DEMO.server.appId}/.default`, "invalid_scope", 28000],
    ["https://graph.microsoft.com/Calendars.Read", "invalid_scope", 650053],
    ["https://unknown.example.com/.default", "invalid_resource", 500011],
  ];
  for (const [scope, error, code] of cases) {
    await expectEntraError(await postToken(emulator, oboFields(assertion, scope)), {
      status: 400,
      error,
      code,
    });
  }
  const { requested_token_use: _, ...noUse } = oboFields(assertion, GRAPH_DEFAULT);
  await expectEntraError(await postToken(emulator, noUse), {
    status: 400,
    error: "invalid_request",
    code: 900144,
  });
  await expectEntraError(await postToken(emulator, { ...noUse, requested_token_use: "other" }), {
    status: 400,
    error: "invalid_request",
    code: 90100,
  });
});

Deno.test("OBO needs consent from the server's service principal to Graph (65001 consent_required)", async () => {
  await using emulator = await startEmulator();
  const assertion = await serverAccessToken(emulator);
  const notConsented = await expectEntraError(await postToken(emulator, oboFields(assertion, "Mail.Send")), {
    status: 400,
    error: "invalid_grant",
    code: 65001,
    suberror: "consent_required",
  });
  assert.ok((notConsented.error_description as string).includes(DEMO.server.appId));
  const off = await fetch(`${emulator.url}/_emulator/consent`, {
    method: "POST",
    body: JSON.stringify({ appId: DEMO.server.appId, granted: false }),
  });
  await off.body?.cancel();
  await expectEntraError(await postToken(emulator, oboFields(assertion, GRAPH_DEFAULT)), {
    status: 400,
    error: "invalid_grant",
    code: 65001,
    suberror: "consent_required",
  });
  // A Principal grant covers only its user.
  const adele = emulator.state.directory.users[0];
  emulator.state.directory.permissionGrants.push({
    id: "principal-grant",
    clientId: DEMO.server.servicePrincipalId,
    consentType: "Principal",
    principalId: adele.id,
    resourceId: DEMO.graphServicePrincipalId,
    scope: "User.Read",
  });
  const forAdele = await tokenOk(emulator, oboFields(assertion, GRAPH_DEFAULT));
  assert.equal(payloadOf(forAdele.access_token).scp, "User.Read");
  const meganToken = await serverAccessToken(emulator, { user: MEGAN });
  await expectEntraError(await postToken(emulator, oboFields(meganToken, GRAPH_DEFAULT)), {
    status: 400,
    error: "invalid_grant",
    code: 65001,
    suberror: "consent_required",
  });
  const on = await fetch(`${emulator.url}/_emulator/consent`, {
    method: "POST",
    body: JSON.stringify({ appId: DEMO.server.appId, granted: true }),
  });
  await on.body?.cancel();
  await tokenOk(emulator, oboFields(meganToken, GRAPH_DEFAULT));
});

Deno.test("OBO under the MFA policy: 50076 with a claims challenge, then success with an MFA assertion", async () => {
  await using emulator = await startEmulator();
  const mfa = await fetch(`${emulator.url}/_emulator/mfa`, {
    method: "POST",
    body: JSON.stringify({ required: true }),
  });
  await mfa.body?.cancel();
  const assertion = await serverAccessToken(emulator);
  const body = await expectEntraError(await postToken(emulator, oboFields(assertion, MSAL_SCOPE)), {
    status: 400,
    error: "invalid_grant",
    code: 50076,
    suberror: "basic_action",
  });
  assert.deepEqual(JSON.parse(body.claims as string), {
    access_token: { capolids: { essential: true, values: [MFA_POLICY_ID] } },
  });
  // The client replays the challenge on a new sign-in; that token carries MFA and OBO succeeds.
  const stepUp = await serverAccessToken(emulator, { claims: body.claims as string });
  assert.deepEqual(payloadOf(stepUp).acrs, ["c1"]);
  const graph = await tokenOk(emulator, oboFields(stepUp, MSAL_SCOPE));
  assert.deepEqual(payloadOf(graph.access_token).amr, ["pwd", "mfa"]);
  const v1Mfa = await signedByEmulator(emulator, {
    iss: `https://sts.windows.net/${TID}/`,
    aud: `api://${DEMO.server.appId}`,
    amr: ["pwd", "mfa"],
  });
  await tokenOk(emulator, oboFields(v1Mfa, GRAPH_DEFAULT));
  // The policy covers Graph only: a token for another API is issued without MFA.
  const downstream = addApp(emulator, { displayName: "Downstream API" });
  downstream.application.identifierUris = ["api://downstream"];
  downstream.application.api.oauth2PermissionScopes = [{
    id: "0b3c1a52-9f4e-4d8e-8f7a-6a1f2e3d4c5b",
    value: "read",
    type: "User",
    isEnabled: true,
    adminConsentDisplayName: "Read",
    adminConsentDescription: null,
    userConsentDisplayName: null,
    userConsentDescription: null,
  }];
  downstream.application.api.preAuthorizedApplications = [{
    appId: DEMO.server.appId,
    delegatedPermissionIds: ["0b3c1a52-9f4e-4d8e-8f7a-6a1f2e3d4c5b"],
  }];
  const forDownstream = await tokenOk(emulator, oboFields(assertion, "api://downstream/read"));
  assert.equal(payloadOf(forDownstream.access_token).aud, "api://downstream");
  assert.equal(payloadOf(forDownstream.access_token).scp, "read");
  assert.equal(forDownstream.scope, "api://downstream/read");
});

Deno.test("OBO for a user deleted since the assertion was issued is AADSTS500341", async () => {
  await using emulator = await startEmulator();
  const assertion = await serverAccessToken(emulator, { user: ADELE });
  emulator.state.directory.users.shift();
  await expectEntraError(await postToken(emulator, oboFields(assertion, GRAPH_DEFAULT)), {
    status: 400,
    error: "invalid_grant",
    code: 500341,
  });
});
