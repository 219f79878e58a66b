import assert from "node:assert/strict";
import { type EmulatorHandle, startEmulator } from "../../../src/emulator/mod.ts";
import { DEMO } from "../../../src/emulator/seed.ts";
import { AZURE_CLI_APP_ID, GRAPH_CLI_APP_ID } from "../../../src/emulator/well_known.ts";
import { addApp, ADELE, expectEntraError, MIRIAM, payloadOf, postToken, TID, tokenOk } from "./helpers.ts";

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
const ADMIN_SCOPES =
  "https://graph.microsoft.com/Application.ReadWrite.All DelegatedPermissionGrant.ReadWrite.All";

interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  expires_in: number;
  interval: number;
  message: string;
}

async function startDeviceFlow(
  emulator: EmulatorHandle,
  fields: Record<string, string>,
): Promise<DeviceAuthorization> {
  const response = await fetch(`${emulator.url}/${TID}/oauth2/v2.0/devicecode`, {
    method: "POST",
    body: new URLSearchParams(fields),
  });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  return body;
}

function poll(emulator: EmulatorHandle, clientId: string, deviceCode: string): Promise<Response> {
  return postToken(emulator, { grant_type: DEVICE_GRANT, client_id: clientId, device_code: deviceCode });
}

async function approve(emulator: EmulatorHandle, userCode: string, userPrincipalName: string): Promise<void> {
  const response = await fetch(`${emulator.url}/_emulator/device/approve`, {
    method: "POST",
    body: JSON.stringify({ userPrincipalName, user_code: userCode }),
  });
  assert.equal(response.status, 200);
  await response.body?.cancel();
}

Deno.test("devicecode answers like Entra: user code, verification URI, interval, message, no complete URI", async () => {
  await using emulator = await startEmulator();
  const flow = await startDeviceFlow(emulator, {
    client_id: AZURE_CLI_APP_ID,
    scope: "https://graph.microsoft.com/.default offline_access openid profile",
  });
  assert.match(flow.user_code, /^[A-Z0-9]{9}$/);
  assert.ok(flow.device_code.length > 40);
  assert.equal(flow.verification_uri, `${emulator.url}/devicelogin`);
  assert.equal(flow.expires_in, 900);
  assert.equal(flow.interval, 5);
  assert.equal(
    flow.message,
    `To sign in, use a web browser to open the page ${emulator.url}/devicelogin and enter the code ${flow.user_code} to authenticate.`,
  );
  assert.equal("verification_uri_complete" in flow, false);
  const stats = await (await fetch(`${emulator.url}/_emulator/stats`)).json();
  assert.equal(stats.requests.devicecode, 1);
});

Deno.test("devicecode errors: confidential client 7000218, unknown client 700016, no scope 900144, GET 900561", async () => {
  await using emulator = await startEmulator();
  const url = `${emulator.url}/${TID}/oauth2/v2.0/devicecode`;
  const post = (fields: Record<string, string>) =>
    fetch(url, { method: "POST", body: new URLSearchParams(fields) });
  await expectEntraError(await post({ client_id: DEMO.client.appId, scope: "User.Read" }), {
    status: 401,
    error: "invalid_client",
    code: 7000218,
  });
  await expectEntraError(await post({ client_id: crypto.randomUUID(), scope: "User.Read" }), {
    status: 400,
    error: "unauthorized_client",
    code: 700016,
  });
  await expectEntraError(await post({ client_id: AZURE_CLI_APP_ID }), {
    status: 400,
    error: "invalid_request",
    code: 900144,
  });
  await expectEntraError(await post({ client_id: AZURE_CLI_APP_ID, scope: "Nope.Read" }), {
    status: 400,
    error: "invalid_scope",
    code: 650053,
  });
  await expectEntraError(await fetch(url), { status: 400, error: "invalid_request", code: 900561 });
});

Deno.test("polling: pending (70016), slow_down when too fast (interval +5 s), then tokens after approval", async () => {
  await using emulator = await startEmulator();
  const flow = await startDeviceFlow(emulator, {
    client_id: AZURE_CLI_APP_ID,
    scope: "https://graph.microsoft.com/.default offline_access openid profile",
  });
  await expectEntraError(await poll(emulator, AZURE_CLI_APP_ID, flow.device_code), {
    status: 400,
    error: "authorization_pending",
    code: 70016,
  });
  await expectEntraError(await poll(emulator, AZURE_CLI_APP_ID, flow.device_code), {
    status: 400,
    error: "slow_down",
    code: 70016,
  });
  const grant = emulator.state.deviceCodes.get(flow.device_code)!;
  assert.equal(grant.intervalSeconds, 10);
  await approve(emulator, flow.user_code, MIRIAM);
  grant.lastPollMs = Date.now() - 10_000;
  const body = await tokenOk(emulator, {
    grant_type: DEVICE_GRANT,
    client_id: AZURE_CLI_APP_ID,
    device_code: flow.device_code,
    client_info: "1",
  });
  const token = payloadOf(body.access_token);
  assert.equal(token.aud, "https://graph.microsoft.com");
  assert.equal(token.upn, MIRIAM);
  assert.equal(token.appid, AZURE_CLI_APP_ID);
  assert.equal(token.appidacr, "0");
  const scp = (token.scp as string).split(" ");
  assert.ok(scp.includes("Application.ReadWrite.All"), "the administrator gets admin scopes");
  assert.ok(!scp.includes("openid") && !scp.includes("offline_access"), "OIDC scopes stay out of scp");
  assert.equal(typeof body.refresh_token, "string");
  assert.equal(payloadOf(body.id_token).aud, AZURE_CLI_APP_ID);
  assert.equal(typeof body.client_info, "string");
  await expectEntraError(await poll(emulator, AZURE_CLI_APP_ID, flow.device_code), {
    status: 400,
    error: "invalid_grant",
    code: 70000,
  });
  const stats = await (await fetch(`${emulator.url}/_emulator/stats`)).json();
  assert.equal(stats.requests["token:device_code"], 4);
});

Deno.test("declined (authorization_declined), expired (70019), unknown or another client's code (70020)", async () => {
  await using emulator = await startEmulator({ settings: { deviceCodeIntervalSeconds: 0 } });
  const scope = "https://graph.microsoft.com/User.Read";
  const declined = await startDeviceFlow(emulator, { client_id: GRAPH_CLI_APP_ID, scope });
  emulator.state.deviceCodes.get(declined.device_code)!.status = "declined";
  await expectEntraError(await poll(emulator, GRAPH_CLI_APP_ID, declined.device_code), {
    status: 400,
    error: "authorization_declined",
    code: 65004,
  });
  const expired = await startDeviceFlow(emulator, { client_id: GRAPH_CLI_APP_ID, scope });
  emulator.state.deviceCodes.get(expired.device_code)!.expiresAtMs = Date.now() - 1;
  await expectEntraError(await poll(emulator, GRAPH_CLI_APP_ID, expired.device_code), {
    status: 400,
    error: "expired_token",
    code: 70019,
  });
  await expectEntraError(await poll(emulator, GRAPH_CLI_APP_ID, "not-a-device-code"), {
    status: 400,
    error: "bad_verification_code",
    code: 70020,
  });
  const other = await startDeviceFlow(emulator, { client_id: GRAPH_CLI_APP_ID, scope });
  await expectEntraError(await poll(emulator, AZURE_CLI_APP_ID, other.device_code), {
    status: 400,
    error: "bad_verification_code",
    code: 70020,
  });
  await expectEntraError(
    await postToken(emulator, { grant_type: DEVICE_GRANT, client_id: GRAPH_CLI_APP_ID }),
    {
      status: 400,
      error: "invalid_request",
      code: 900144,
    },
  );
});

Deno.test("a non-administrator approving administrator-only scopes gets AADSTS65001 at the poll", async () => {
  await using emulator = await startEmulator({ settings: { deviceCodeIntervalSeconds: 0 } });
  const flow = await startDeviceFlow(emulator, { client_id: GRAPH_CLI_APP_ID, scope: ADMIN_SCOPES });
  await approve(emulator, flow.user_code, ADELE);
  await expectEntraError(await poll(emulator, GRAPH_CLI_APP_ID, flow.device_code), {
    status: 400,
    error: "invalid_grant",
    code: 65001,
    suberror: "consent_required",
  });
  const admin = await startDeviceFlow(emulator, { client_id: GRAPH_CLI_APP_ID, scope: ADMIN_SCOPES });
  await approve(emulator, admin.user_code, MIRIAM);
  const body = await tokenOk(emulator, {
    grant_type: DEVICE_GRANT,
    client_id: GRAPH_CLI_APP_ID,
    device_code: admin.device_code,
  });
  assert.equal(
    payloadOf(body.access_token).scp,
    "Application.ReadWrite.All DelegatedPermissionGrant.ReadWrite.All",
  );
  assert.equal(body.scope, "Application.ReadWrite.All DelegatedPermissionGrant.ReadWrite.All");
});

Deno.test("the /devicelogin page approves or declines a code for the chosen user", async () => {
  await using emulator = await startEmulator({ settings: { deviceCodeIntervalSeconds: 0 } });
  const page = await fetch(`${emulator.url}/devicelogin`);
  const html = await page.text();
  assert.equal(page.status, 200);
  for (const user of emulator.state.directory.users) assert.ok(html.includes(`value="${user.id}"`));
  const submit = (fields: Record<string, string>) =>
    fetch(`${emulator.url}/devicelogin`, { method: "POST", body: new URLSearchParams(fields) });

  const wrong = await submit({
    user_code: "ZZZZZZZZZ",
    user: emulator.state.directory.users[0].id,
    decision: "approve",
  });
  assert.equal(wrong.status, 400);
  assert.match(await wrong.text(), /didn&#39;t work/);

  const flow = await startDeviceFlow(emulator, {
    client_id: AZURE_CLI_APP_ID,
    scope: "User.Read offline_access",
  });
  const megan = emulator.state.directory.users[1];
  const approved = await submit({
    user_code: flow.user_code.toLowerCase(),
    user: megan.id,
    decision: "approve",
  });
  assert.equal(approved.status, 200);
  assert.match(await approved.text(), /Microsoft Azure CLI/);
  const body = await tokenOk(emulator, {
    grant_type: DEVICE_GRANT,
    client_id: AZURE_CLI_APP_ID,
    device_code: flow.device_code,
  });
  assert.equal(payloadOf(body.access_token).oid, megan.id);
  assert.equal(payloadOf(body.access_token).scp, "User.Read");

  const second = await startDeviceFlow(emulator, { client_id: AZURE_CLI_APP_ID, scope: "User.Read" });
  const declined = await submit({ user_code: second.user_code, user: megan.id, decision: "decline" });
  assert.equal(declined.status, 200);
  await declined.body?.cancel();
  await expectEntraError(await poll(emulator, AZURE_CLI_APP_ID, second.device_code), {
    status: 400,
    error: "authorization_declined",
    code: 65004,
  });
  const again = await submit({ user_code: second.user_code, user: megan.id, decision: "approve" });
  assert.equal(again.status, 400, "a declined code cannot be approved any more");
  await again.body?.cancel();
  const stats = await (await fetch(`${emulator.url}/_emulator/stats`)).json();
  assert.equal(stats.requests.devicelogin, 5);
});

Deno.test("an app with isFallbackPublicClient may use the device flow; approval records the user's consent", async () => {
  await using emulator = await startEmulator({ settings: { deviceCodeIntervalSeconds: 0 } });
  const app = addApp(emulator, { secret: null, isFallbackPublicClient: true });
  const flow = await startDeviceFlow(emulator, { client_id: app.appId, scope: "User.Read Mail.Read" });
  await approve(emulator, flow.user_code, ADELE);
  const body = await tokenOk(emulator, {
    grant_type: DEVICE_GRANT,
    client_id: app.appId,
    device_code: flow.device_code,
  });
  assert.equal(payloadOf(body.access_token).scp, "User.Read Mail.Read");
  const adele = emulator.state.directory.users[0];
  const grant = emulator.state.directory.permissionGrants.find((g) =>
    g.clientId === app.servicePrincipal!.id
  )!;
  assert.equal(grant.consentType, "Principal");
  assert.equal(grant.principalId, adele.id);
  assert.equal(grant.scope, "User.Read Mail.Read");
});
