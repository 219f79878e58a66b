import assert from "node:assert/strict";
import { startEmulator } from "../../../src/emulator/mod.ts";
import type { EmulatorHandle } from "../../../src/emulator/mod.ts";
import { DEMO } from "../../../src/emulator/seed.ts";
import { AZURE_CLI_APP_ID } from "../../../src/emulator/well_known.ts";
import { MFA_POLICY_ID } from "../../../src/emulator/identity/conditional_access.ts";
import {
  ADELE,
  authorizationCode,
  CLIENT_REDIRECT,
  expectEntraError,
  payloadOf,
  pkcePair,
  postToken,
  SERVER_SCOPE,
  tokenOk,
} from "./helpers.ts";

/** Signs Adele in to the demo client and returns the token response. */
async function signIn(emulator: EmulatorHandle, scope: string, extra: Record<string, string> = {}) {
  const { verifier, challenge } = await pkcePair();
  const code = await authorizationCode(emulator, {
    client_id: DEMO.client.appId,
    redirect_uri: CLIENT_REDIRECT,
    scope,
    login_hint: ADELE,
    code_challenge: challenge,
    code_challenge_method: "S256",
    ...extra,
  });
  return await tokenOk(emulator, {
    grant_type: "authorization_code",
    client_id: DEMO.client.appId,
    client_secret: DEMO.client.secret,
    code,
    redirect_uri: CLIENT_REDIRECT,
    code_verifier: verifier,
  });
}

function refreshFields(refreshToken: unknown, extra: Record<string, string> = {}): Record<string, string> {
  return {
    grant_type: "refresh_token",
    client_id: DEMO.client.appId,
    client_secret: DEMO.client.secret,
    refresh_token: refreshToken as string,
    ...extra,
  };
}

Deno.test("a refresh returns new tokens for the original scopes and a new refresh token; the old stays valid", async () => {
  await using emulator = await startEmulator();
  const first = await signIn(emulator, `${SERVER_SCOPE} offline_access`);
  const before = Date.now();
  const refreshed = await tokenOk(emulator, refreshFields(first.refresh_token));
  assert.equal(refreshed.scope, `${SERVER_SCOPE} offline_access`);
  assert.notEqual(refreshed.refresh_token, first.refresh_token);
  const token = payloadOf(refreshed.access_token);
  assert.equal(token.aud, DEMO.server.appId);
  assert.equal(token.scp, "access_as_user");
  assert.equal(token.azpacr, "1");
  const grant = emulator.state.refreshTokens.get(refreshed.refresh_token as string)!;
  const ninetyDays = 90 * 24 * 3600 * 1000;
  assert.ok(grant.expiresAtMs >= before + ninetyDays && grant.expiresAtMs <= Date.now() + ninetyDays);
  await tokenOk(emulator, refreshFields(first.refresh_token));
  const stats = await (await fetch(`${emulator.url}/_emulator/stats`)).json();
  assert.equal(stats.requests["token:refresh_token"], 2);
});

Deno.test("refresh tokens are multi-resource: another resource's scope works when consented (else 65001)", async () => {
  await using emulator = await startEmulator();
  // Adele consents to Graph User.Read for the demo client during this sign-in.
  const graph = await signIn(emulator, "User.Read offline_access openid");
  assert.equal(payloadOf(graph.access_token).aud, "https://graph.microsoft.com");
  const server = await tokenOk(
    emulator,
    refreshFields(graph.refresh_token, { scope: `${SERVER_SCOPE} openid` }),
  );
  assert.equal(payloadOf(server.access_token).aud, DEMO.server.appId);
  assert.equal(payloadOf(server.id_token).aud, DEMO.client.appId);
  assert.equal(server.scope, `${SERVER_SCOPE} openid offline_access`);
  await expectEntraError(
    await postToken(emulator, refreshFields(graph.refresh_token, { scope: "Mail.Read" })),
    {
      status: 400,
      error: "invalid_grant",
      code: 65001,
      suberror: "consent_required",
    },
  );
  // Without scope, the new refresh token remembers the last resource.
  const again = await tokenOk(emulator, refreshFields(server.refresh_token));
  assert.equal(payloadOf(again.access_token).aud, DEMO.server.appId);
});

Deno.test("refresh failures: unknown 9002313, expired 70008, another client's 70000, missing secret 7000218", async () => {
  await using emulator = await startEmulator();
  const { refresh_token } = await signIn(emulator, `${SERVER_SCOPE} offline_access`);
  await expectEntraError(await postToken(emulator, refreshFields("1.not-a-refresh-token")), {
    status: 400,
    error: "invalid_grant",
    code: 9002313,
  });
  await expectEntraError(
    await postToken(
      emulator,
      refreshFields(refresh_token, {
        client_id: DEMO.server.appId,
        client_secret: DEMO.server.secret,
      }),
    ),
    { status: 400, error: "invalid_grant", code: 70000 },
  );
  const { client_secret: _, ...withoutSecret } = refreshFields(refresh_token);
  await expectEntraError(await postToken(emulator, withoutSecret), {
    status: 401,
    error: "invalid_client",
    code: 7000218,
  });
  await expectEntraError(await postToken(emulator, { ...refreshFields(refresh_token), refresh_token: "" }), {
    status: 400,
    error: "invalid_request",
    code: 900144,
  });
  emulator.state.refreshTokens.get(refresh_token as string)!.expiresAtMs = Date.now() - 1;
  await expectEntraError(await postToken(emulator, refreshFields(refresh_token)), {
    status: 400,
    error: "invalid_grant",
    code: 70008,
  });
});

Deno.test("no refresh token is issued without offline_access", async () => {
  await using emulator = await startEmulator();
  const body = await signIn(emulator, SERVER_SCOPE);
  assert.equal(body.refresh_token, undefined);
  assert.equal(emulator.state.refreshTokens.size, 0);
});

Deno.test("a public client's refresh token is redeemed without a secret", async () => {
  await using emulator = await startEmulator();
  const { verifier, challenge } = await pkcePair();
  const code = await authorizationCode(emulator, {
    client_id: AZURE_CLI_APP_ID,
    redirect_uri: "http://localhost:8400",
    scope: "https://graph.microsoft.com/.default offline_access",
    login_hint: ADELE,
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  const first = await tokenOk(emulator, {
    grant_type: "authorization_code",
    client_id: AZURE_CLI_APP_ID,
    code,
    redirect_uri: "http://localhost:8400",
    code_verifier: verifier,
  });
  const refreshed = await tokenOk(emulator, {
    grant_type: "refresh_token",
    client_id: AZURE_CLI_APP_ID,
    refresh_token: first.refresh_token as string,
    scope: "https://graph.microsoft.com/.default",
  });
  const token = payloadOf(refreshed.access_token);
  assert.equal(token.appidacr, "0");
  assert.ok((token.scp as string).split(" ").includes("User.Read"));
  assert.ok(!(token.scp as string).includes("Application.ReadWrite.All"), "Adele is no administrator");
});

Deno.test("refreshing a Graph token without MFA under the MFA policy is AADSTS50076 with a claims challenge", async () => {
  await using emulator = await startEmulator();
  const graph = await signIn(emulator, "User.Read offline_access");
  const server = await signIn(emulator, `${SERVER_SCOPE} offline_access`);
  const mfa = await fetch(`${emulator.url}/_emulator/mfa`, {
    method: "POST",
    body: JSON.stringify({ required: true }),
  });
  await mfa.body?.cancel();
  const body = await expectEntraError(await postToken(emulator, refreshFields(graph.refresh_token)), {
    status: 400,
    error: "invalid_grant",
    code: 50076,
    suberror: "basic_action",
  });
  assert.ok((body.claims as string).includes(MFA_POLICY_ID));
  await tokenOk(emulator, refreshFields(server.refresh_token), {});
  // A sign-in performed under the policy did MFA, so its refresh token satisfies it.
  const stepUp = await signIn(emulator, "User.Read offline_access");
  const refreshed = await tokenOk(emulator, refreshFields(stepUp.refresh_token));
  assert.deepEqual(payloadOf(refreshed.access_token).amr, ["pwd", "mfa"]);
});
