/**
 * The "Done when", end to end against the emulator: device code sign-in approved through the admin
 * API → apps created → .env written (0600) → the MCP server started from that .env serves a gateway flow
 * with tokens for the NEW apps → a second run changes nothing → --dry-run changes nothing →
 * --rotate-secrets gives a working new secret and the old one stops working.
 */
import assert from "node:assert/strict";
import { decodeJwt } from "jose";
import { readEnvironment } from "../../src/config/mod.ts";
import { startEmulator } from "../../src/emulator/mod.ts";
import { GRAPH_APP_ID } from "../../src/emulator/well_known.ts";
import { connectClient, textOf } from "../helpers/mcp_client.ts";
import { startTestServer } from "../helpers/server.ts";
import {
  clientCredentials,
  directorySnapshot,
  emulatorEnvFile,
  gatewaySignIn,
  REDIRECT_URI,
  runSetup,
} from "./helpers.ts";

const ARGS = ["--name", "Contoso MCP", "--redirect-uri", REDIRECT_URI, "--grant-admin-consent", "--json"];

Deno.test("setup end to end: create, serve a gateway flow, rerun, dry run, rotate", async () => {
  await using emulator = await startEmulator({ settings: { deviceCodeIntervalSeconds: 0 } });
  const envFile = await emulatorEnvFile(emulator, ["# my comment", "LOG_LEVEL=debug"]);
  const args = [...ARGS, "--env-file", envFile, "--base-url", "http://localhost:8123"];

  // 1. First run: everything is created.
  const first = await runSetup(emulator, args);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /enter the code \S+ to authenticate/, "device code instructions on stderr");
  const json = first.json as {
    tenantId: string;
    server: { appId: string; objectId: string; identifierUri: string };
    client: { appId: string; objectId: string; clientSecret: string; redirectUris: string[] };
    authorizationUrl: string;
    tokenUrl: string;
    scopes: string;
    envFile: string;
    adminConsent: string;
    changes: string[];
  };
  assert.deepEqual(Object.keys(json), [
    "tenantId",
    "server",
    "client",
    "authorizationUrl",
    "tokenUrl",
    "scopes",
    "envFile",
    "adminConsent",
    "changes",
  ]);
  assert.equal(json.tenantId, emulator.config.tenantId, "the tenant comes from the token's tid");
  assert.notEqual(json.server.appId, emulator.config.server.clientId, "new apps, not the seeded ones");
  assert.equal(json.server.identifierUri, `api://${json.server.appId}`);
  assert.equal(json.client.clientSecret.length, 40);
  assert.deepEqual(json.client.redirectUris, [REDIRECT_URI]);
  assert.equal(json.authorizationUrl, `${emulator.url}/${json.tenantId}/oauth2/v2.0/authorize`);
  assert.equal(json.tokenUrl, `${emulator.url}/${json.tenantId}/oauth2/v2.0/token`);
  assert.equal(json.scopes, `api://${json.server.appId}/access_as_user offline_access`);
  assert.equal(json.envFile, envFile);
  assert.equal(json.adminConsent, "granted");
  assert.ok(json.changes.some((c) => c.startsWith(`create Server app "Contoso MCP Server"`)));
  assert.ok(json.changes.some((c) => c.startsWith(`create Client app "Contoso MCP Client"`)));

  // What Graph now holds.
  const { directory } = emulator.state;
  const server = directory.applications.find((a) => a.appId === json.server.appId)!;
  const client = directory.applications.find((a) => a.appId === json.client.appId)!;
  assert.equal(server.displayName, "Contoso MCP Server");
  assert.equal(server.signInAudience, "AzureADMyOrg");
  assert.deepEqual(server.identifierUris, [`api://${server.appId}`]);
  assert.equal(server.api.requestedAccessTokenVersion, 2);
  const [scope] = server.api.oauth2PermissionScopes;
  assert.equal(scope.value, "access_as_user");
  assert.equal(scope.isEnabled, true);
  assert.deepEqual(server.api.preAuthorizedApplications, [{
    appId: client.appId,
    delegatedPermissionIds: [scope.id],
  }]);
  assert.deepEqual(server.requiredResourceAccess, [{
    resourceAppId: GRAPH_APP_ID,
    resourceAccess: [
      { id: "e1fe6dd8-ba31-4d61-89e7-88639da4683d", type: "Scope" },
      { id: "570282fd-fa5c-430d-a7fd-fc8dc98a9dca", type: "Scope" },
    ],
  }]);
  assert.equal(server.passwordCredentials.length, 1);
  assert.equal(client.passwordCredentials.length, 1);
  assert.equal(client.signInAudience, "AzureADMyOrg");
  assert.deepEqual(client.web.redirectUris, [REDIRECT_URI]);
  assert.deepEqual(client.requiredResourceAccess, [{
    resourceAppId: server.appId,
    resourceAccess: [{ id: scope.id, type: "Scope" }],
  }]);
  const serverSp = directory.servicePrincipals.find((s) => s.appId === server.appId)!;
  assert.ok(directory.servicePrincipals.some((s) => s.appId === client.appId), "client service principal");
  const grant = directory.permissionGrants.find((g) => g.clientId === serverSp.id)!;
  assert.equal(grant.consentType, "AllPrincipals");
  assert.equal(grant.scope, "User.Read Mail.Read");

  // .env: mode 0600, our keys set, unrelated lines kept; the output never shows the server secret.
  const stat = await Deno.stat(envFile);
  assert.equal(stat.mode! & 0o777, 0o600);
  const text = await Deno.readTextFile(envFile);
  assert.match(text, /^# my comment$/m);
  assert.match(text, /^LOG_LEVEL=debug$/m);
  const env = readEnvironment({ envFile, processEnv: {} });
  assert.equal(env.AZURE_TENANT_ID, emulator.config.tenantId);
  assert.equal(env.AZURE_CLIENT_ID, server.appId);
  assert.equal(env.BASE_URL, "http://localhost:8123");
  assert.equal(env.AZURE_CLIENT_SECRET, server.passwordCredentials[0].secretText);
  assert.ok(
    !first.stdout.includes(env.AZURE_CLIENT_SECRET) && !first.stderr.includes(env.AZURE_CLIENT_SECRET),
  );

  // 2. The MCP server started with that .env serves a gateway flow with tokens for the new apps.
  {
    await using mcp = await startTestServer(emulator, {
      AZURE_TENANT_ID: env.AZURE_TENANT_ID,
      AZURE_CLIENT_ID: env.AZURE_CLIENT_ID,
      AZURE_CLIENT_SECRET: env.AZURE_CLIENT_SECRET,
    });
    const token = await gatewaySignIn(mcp.mcpUrl, {
      clientId: json.client.appId,
      clientSecret: json.client.clientSecret,
      redirectUri: REDIRECT_URI,
      userPrincipalName: emulator.config.users[0].userPrincipalName,
    });
    const claims = decodeJwt(token);
    assert.equal(claims.aud, server.appId, "a v2 token for the new Server app");
    assert.equal(claims.azp, client.appId, "issued to the new Client app");
    const mcpClient = await connectClient(mcp.mcpUrl, token);
    try {
      const hello = await mcpClient.callTool({ name: "hello", arguments: {} });
      assert.equal(textOf(hello), `Hello, ${emulator.config.users[0].displayName}!`);
    } finally {
      await mcpClient.close();
    }
  }

  // 3. A second run changes nothing and cannot show the kept client secret.
  const beforeSecond = directorySnapshot(emulator);
  const envBefore = await Deno.readTextFile(envFile);
  const second = await runSetup(emulator, args);
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual(second.json!.changes, []);
  assert.equal((second.json!.client as { clientSecret: unknown }).clientSecret, null);
  assert.equal((second.json!.server as { appId: string }).appId, server.appId);
  assert.equal(directorySnapshot(emulator), beforeSecond);
  assert.equal(await Deno.readTextFile(envFile), envBefore);
  const human = await runSetup(emulator, args.filter((a) => a !== "--json"));
  assert.match(human.stdout, /nothing to change/);
  assert.match(human.stdout, /Client Secret: +\(kept: an existing secret cannot be shown again/);

  // 4. --dry-run changes nothing either (also when there would be something to change).
  const dryArgs = [...args, "--rotate-secrets", "--dry-run"];
  const mtime = (await Deno.stat(envFile)).mtime;
  const dry = await runSetup(emulator, dryArgs);
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(dry.json!.dryRun, true);
  assert.deepEqual(dry.json!.changes, [
    "add a new Server app secret (rotation)",
    "write .env: AZURE_CLIENT_SECRET",
    "add a new Client app secret (rotation)",
    "remove 1 old Server app secret(s)",
    "remove 1 old Client app secret(s)",
  ]);
  assert.equal(directorySnapshot(emulator), beforeSecond);
  assert.equal(await Deno.readTextFile(envFile), envBefore);
  assert.deepEqual((await Deno.stat(envFile)).mtime, mtime);

  // 5. --rotate-secrets: the new secrets work, the old ones stop working (AADSTS7000215).
  const oldServerSecret = env.AZURE_CLIENT_SECRET;
  const oldClientSecret = json.client.clientSecret;
  const rotated = await runSetup(emulator, [...args, "--rotate-secrets"]);
  assert.equal(rotated.code, 0, rotated.stderr);
  assert.deepEqual(rotated.json!.changes, dry.json!.changes, "the dry run predicted the run");
  const newServerSecret = readEnvironment({ envFile, processEnv: {} }).AZURE_CLIENT_SECRET;
  const newClientSecret = (rotated.json!.client as { clientSecret: string }).clientSecret;
  assert.notEqual(newServerSecret, oldServerSecret);
  assert.notEqual(newClientSecret, oldClientSecret);
  assert.equal((await Deno.stat(envFile)).mode! & 0o777, 0o600);
  assert.equal(
    (await clientCredentials(emulator, { clientId: server.appId, secret: newServerSecret })).status,
    200,
  );
  assert.equal(
    (await clientCredentials(emulator, { clientId: client.appId, secret: newClientSecret })).status,
    200,
  );
  for (const [appId, secret] of [[server.appId, oldServerSecret], [client.appId, oldClientSecret]]) {
    const old = await clientCredentials(emulator, { clientId: appId, secret: secret });
    assert.equal(old.status, 401);
    assert.deepEqual(old.body.error_codes, [7000215]);
  }
});
