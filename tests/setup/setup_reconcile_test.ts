/**
 * Setup against the emulator beyond the happy path: reconciling a broken registration, consent (link,
 * twice, the 409 path), Graph's replication delay, partial runs completed by a rerun, and every refusal.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../src/emulator/mod.ts";
import { readEnvFileValues } from "../../src/setup/env_file.ts";
import {
  adminGraph,
  directorySnapshot,
  emulatorEnvFile,
  emulatorSettings,
  NON_ADMIN,
  REDIRECT_URI,
  runSetup,
} from "./helpers.ts";

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

function fresh() {
  return startEmulator({ settings: { deviceCodeIntervalSeconds: 0 } });
}

Deno.test("dry run on an empty tenant predicts exactly the changes the run then makes", async () => {
  await using emulator = await fresh();
  const envFile = await emulatorEnvFile(emulator);
  const args = [
    "--name",
    "Predict",
    "--redirect-uri",
    REDIRECT_URI,
    "--grant-admin-consent",
    "--env-file",
    envFile,
    "--json",
  ];
  const before = directorySnapshot(emulator);
  const dry = await runSetup(emulator, [...args, "--dry-run"]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(directorySnapshot(emulator), before);
  assert.equal((dry.json!.server as { appId: unknown }).appId, null, "nothing exists yet");
  const run = await runSetup(emulator, args);
  assert.equal(run.code, 0, run.stderr);
  const normalize = (changes: unknown) =>
    (changes as string[]).map((c) => c.replace(GUID, "<id>").replace(/<new \w+ appId>/, "<id>"));
  assert.deepEqual(normalize(run.json!.changes), normalize(dry.json!.changes));
  assert.equal((run.json!.changes as string[]).length, 10);
});

Deno.test("a broken registration is repaired in place: scope re-enabled with its ID, v2, URI, redirect URIs", async () => {
  await using emulator = await fresh();
  const envFile = await emulatorEnvFile(emulator);
  const args = ["--name", "Repair", "--redirect-uri", REDIRECT_URI, "--env-file", envFile, "--json"];
  const first = await runSetup(emulator, args);
  assert.equal(first.code, 0, first.stderr);
  const server = first.json!.server as { appId: string; objectId: string };
  const client = first.json!.client as { objectId: string };
  const graph = await adminGraph(emulator);
  const app = await graph("GET", `/v1.0/applications/${server.objectId}`) as {
    api: { oauth2PermissionScopes: Array<Record<string, unknown>> };
  };
  const [scope] = app.api.oauth2PermissionScopes;
  await graph("PATCH", `/v1.0/applications/${server.objectId}`, {
    identifierUris: [],
    api: { requestedAccessTokenVersion: 1, oauth2PermissionScopes: [{ ...scope, isEnabled: false }] },
  });
  await graph("PATCH", `/v1.0/applications/${client.objectId}`, {
    web: { redirectUris: ["https://other.example.com/cb"] },
  });

  const dry = await runSetup(emulator, [...args, "--dry-run"]);
  const repair = await runSetup(emulator, args);
  assert.equal(repair.code, 0, repair.stderr);
  assert.deepEqual(repair.json!.changes, [
    `set Server app identifier URI api://${server.appId}`,
    "set Server app api.requestedAccessTokenVersion to 2 (was 1)",
    "enable scope access_as_user on the Server app",
    `add Client app redirect URIs ${REDIRECT_URI}`,
  ]);
  assert.deepEqual(dry.json!.changes, repair.json!.changes);
  const repaired = emulator.state.directory.applications.find((a) => a.appId === server.appId)!;
  assert.deepEqual(repaired.api.oauth2PermissionScopes.map((s) => [s.id, s.isEnabled]), [[scope.id, true]]);
  assert.deepEqual(repaired.identifierUris, [`api://${server.appId}`]);
  const repairedClient = emulator.state.directory.applications.find((a) => a.id === client.objectId)!;
  assert.deepEqual(
    repairedClient.web.redirectUris,
    ["https://other.example.com/cb", REDIRECT_URI],
    "others kept",
  );

  // An enabled scope of the wrong type: Graph only accepts the change after a PATCH that disables it.
  await graph("PATCH", `/v1.0/applications/${server.objectId}`, {
    api: { oauth2PermissionScopes: [{ ...scope, isEnabled: false }] },
  });
  await graph("PATCH", `/v1.0/applications/${server.objectId}`, {
    api: { oauth2PermissionScopes: [{ ...scope, type: "Admin", isEnabled: true }] },
  });
  const retyped = await runSetup(emulator, args);
  assert.equal(retyped.code, 0, retyped.stderr);
  assert.deepEqual(retyped.json!.changes, [
    "make scope access_as_user a User scope (disabled first, as Graph requires)",
  ]);
  const final = emulator.state.directory.applications.find((a) => a.appId === server.appId)!;
  assert.deepEqual(final.api.oauth2PermissionScopes.map((s) => [s.id, s.type, s.isEnabled]), [[
    scope.id,
    "User",
    true,
  ]]);
  assert.deepEqual((await runSetup(emulator, args)).json!.changes, []);
});

Deno.test("admin consent: a link without the flag; granted once with it; a second run changes nothing", async () => {
  await using emulator = await fresh();
  const envFile = await emulatorEnvFile(emulator);
  const args = ["--name", "Consent", "--env-file", envFile, "--json"];
  const without = await runSetup(emulator, args);
  assert.equal(without.code, 0, without.stderr);
  const serverAppId = (without.json!.server as { appId: string }).appId;
  assert.equal(
    without.json!.adminConsent,
    `${emulator.url}/${emulator.config.tenantId}/adminconsent?client_id=${serverAppId}`,
  );
  const sp = emulator.state.directory.servicePrincipals.find((s) => s.appId === serverAppId)!;
  assert.equal(emulator.state.directory.permissionGrants.some((g) => g.clientId === sp.id), false);
  const human = await runSetup(emulator, args.filter((a) => a !== "--json"));
  assert.match(
    human.stdout,
    /Admin consent: not granted yet\. An administrator grants it at\n {2}http:\S+adminconsent\?client_id=/,
  );
  assert.match(human.stdout, /Redirect URIs: +none yet: add your gateway's callback with --redirect-uri URL/);

  const granted = await runSetup(emulator, [...args, "--grant-admin-consent"]);
  assert.deepEqual(granted.json!.changes, [
    "grant tenant-wide admin consent for Microsoft Graph User.Read Mail.Read",
  ]);
  assert.equal(granted.json!.adminConsent, "granted");
  const again = await runSetup(emulator, [...args, "--grant-admin-consent"]);
  assert.deepEqual(again.json!.changes, []);
  assert.equal(again.json!.adminConsent, "granted");
  assert.equal(emulator.state.directory.permissionGrants.filter((g) => g.clientId === sp.id).length, 1);
});

Deno.test("admin consent: a grant that appears meanwhile (409) is found and PATCHed instead", async () => {
  await using emulator = await fresh();
  const envFile = await emulatorEnvFile(emulator);
  const args = ["--name", "Race", "--env-file", envFile, "--json"];
  assert.equal((await runSetup(emulator, args)).code, 0);
  const graph = await adminGraph(emulator);
  const result = await runSetup(emulator, [...args, "--grant-admin-consent", "-i"], {
    answer: async (stage) => {
      if (stage !== "admin consent") return true;
      // Another administrator grants part of the consent between our lookup and our POST.
      const serverSp = await graph("GET", `/v1.0/servicePrincipals?$filter=displayName eq 'Race Server'`) as {
        value: Array<{ id: string }>;
      };
      const graphSp = await graph(
        "GET",
        "/v1.0/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')",
      );
      await graph("POST", "/v1.0/oauth2PermissionGrants", {
        clientId: serverSp.value[0].id,
        consentType: "AllPrincipals",
        resourceId: graphSp.id,
        scope: "User.Read",
      });
      return true;
    },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.asked, ["admin consent"]);
  const stats = (await (await fetch(`${emulator.url}/_emulator/stats`)).json()).requests;
  assert.equal(stats["graph:POST /v1.0/oauth2PermissionGrants"], 2, "ours answered 409");
  assert.equal(
    Object.keys(stats).filter((k) => k.startsWith("graph:PATCH /v1.0/oauth2PermissionGrants/")).length,
    1,
  );
  const grants = emulator.state.directory.permissionGrants.filter((g) =>
    g.scope.includes("User.Read") && g.consentType === "AllPrincipals"
  );
  assert.ok(grants.some((g) => g.scope === "User.Read Mail.Read"), JSON.stringify(grants));
  assert.equal(result.json!.adminConsent, "granted");
});

Deno.test("Graph's replication delay (400 ms) is waited out with bounded retries", async () => {
  await using emulator = await fresh();
  await emulatorSettings(emulator, { replicationDelayMs: 400 });
  const envFile = await emulatorEnvFile(emulator);
  const result = await runSetup(emulator, [
    "--name",
    "Lag",
    "--grant-admin-consent",
    "--env-file",
    envFile,
    "--json",
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /PATCH \/v1\.0\/applications\/\S+: Request_ResourceNotFound, waiting \d+ ms for Graph to replicate/,
  );
  assert.match(result.stderr, /POST \/v1\.0\/servicePrincipals: Request_BadRequest, waiting \d+ ms/);
  assert.equal(result.json!.adminConsent, "granted");
  assert.equal((result.json!.changes as string[]).length, 10);
});

Deno.test("a non-administrator's device code sign-in is refused with the role to use, and nothing changes", async () => {
  await using emulator = await fresh();
  const envFile = await emulatorEnvFile(emulator);
  const before = directorySnapshot(emulator);
  const result = await runSetup(emulator, ["--name", "NoRights", "--env-file", envFile, "--json"], {
    approveAs: NON_ADMIN,
  });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /Sign-in failed \(AADSTS65001\): the signed-in user may not consent to the permissions the tool asks for\. Sign in as an administrator \(Application Administrator or Cloud Application Administrator\)/,
  );
  assert.match(result.stderr, /Nothing was changed\./);
  assert.equal((result.json!.error as { code: string }).code, "invalid_grant");
  assert.equal(directorySnapshot(emulator), before);
});

Deno.test("interactive: asks before each step; no stops the run; a rerun completes what is missing", async () => {
  await using emulator = await fresh();
  const envFile = await emulatorEnvFile(emulator);
  const args = ["--name", "Ask", "--redirect-uri", REDIRECT_URI, "--env-file", envFile, "--json", "-i"];
  const refused = await runSetup(emulator, args, { answer: () => false });
  assert.equal(refused.code, 1);
  assert.deepEqual(refused.asked, [`Server app "Ask Server"`]);
  assert.match(refused.stderr, /setup stopped: answered no before the step Server app "Ask Server"/);
  assert.equal(emulator.state.directory.applications.length, 2, "nothing created");

  const partial = await runSetup(emulator, args, { answer: (stage) => !stage.startsWith("Client app") });
  assert.equal(partial.code, 1);
  assert.deepEqual(partial.asked, [
    `Server app "Ask Server"`,
    `.env (${envFile})`,
    `Client app "Ask Client"`,
  ]);
  assert.match(partial.stderr, /Server app "Ask Server": appId [0-9a-f-]{36}/);
  assert.match(partial.stderr, /Client app: not created yet/);
  assert.match(partial.stderr, /Run the same command again to finish/);
  assert.equal(
    (await readEnvFileValues(envFile)).AZURE_CLIENT_ID,
    (partial.json!.server as { appId: string }).appId,
  );

  const rest = await runSetup(emulator, args.filter((a) => a !== "-i"));
  assert.equal(rest.code, 0, rest.stderr);
  assert.deepEqual(rest.asked, []);
  assert.deepEqual(rest.json!.changes, [
    `create Client app "Ask Client" (permission access_as_user and redirect URIs ${REDIRECT_URI})`,
    "create the Client app's service principal",
    "add a Client app secret",
    "pre-authorize the Client app for access_as_user on the Server app",
  ]);
  assert.equal(
    emulator.state.directory.applications.filter((a) => a.displayName.startsWith("Ask ")).length,
    2,
  );
});

Deno.test("a Graph failure part-way says what exists, shows the new client secret, and a rerun finishes", async () => {
  await using emulator = await fresh();
  const envFile = await emulatorEnvFile(emulator);
  const args = ["--name", "Flaky", "--redirect-uri", REDIRECT_URI, "--env-file", envFile, "--json"];
  const failed = await runSetup(emulator, [...args, "-i"], {
    answer: async (stage) => {
      if (stage === "pre-authorization") {
        const match = `graph:PATCH /v1.0/applications/${
          emulator.state.directory.applications.find((a) => a.displayName === "Flaky Server")!.id
        }`;
        const response = await fetch(`${emulator.url}/_emulator/faults`, {
          method: "POST",
          body: JSON.stringify({ match, status: 503, count: 3 }),
        });
        await response.body?.cancel();
      }
      return true;
    },
  });
  assert.equal(failed.code, 1);
  assert.match(
    failed.stderr,
    /setup stopped: PATCH \/v1\.0\/applications\/\S+ failed: HTTP 503 ServiceUnavailable/,
  );
  assert.match(failed.stderr, /Client app "Flaky Client": appId/);
  const secret = (failed.json!.client as { clientSecret: string }).clientSecret;
  assert.equal(secret.length, 40);
  assert.ok(
    failed.stderr.includes(`New Client app secret (shown only now, keep it for the gateway): ${secret}`),
  );
  assert.equal((failed.json!.error as { code: string }).code, "ServiceUnavailable");

  const rerun = await runSetup(emulator, args);
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.deepEqual(rerun.json!.changes, [
    "pre-authorize the Client app for access_as_user on the Server app",
  ]);
});

Deno.test("refusals before any change: duplicate names, another tenant's .env, an unreachable Graph", async () => {
  await using emulator = await fresh();
  const graph = await adminGraph(emulator);
  for (let i = 0; i < 2; i++) await graph("POST", "/v1.0/applications", { displayName: "Twin Server" });
  const before = directorySnapshot(emulator);
  const twins = await runSetup(emulator, [
    "--name",
    "Twin",
    "--env-file",
    await emulatorEnvFile(emulator),
    "--json",
  ]);
  assert.equal(twins.code, 1);
  assert.match(
    twins.stderr,
    /2 app registrations are named "Twin Server" \(appIds [0-9a-f-]{36}, [0-9a-f-]{36}\)/,
  );
  assert.equal((twins.json!.error as { code: string }).code, "MultipleApplicationsWithSameDisplayName");

  const other = await emulatorEnvFile(emulator, ["AZURE_TENANT_ID=11111111-2222-4333-8444-555555555555"]);
  const mismatch = await runSetup(emulator, ["--name", "Other", "--env-file", other]);
  assert.equal(mismatch.code, 1);
  assert.match(
    mismatch.stderr,
    /is for tenant 11111111-2222-4333-8444-555555555555, but you signed in to tenant afeab2dc/,
  );

  const offline = `${await Deno.makeTempDir()}/.env`;
  await Deno.writeTextFile(
    offline,
    `AZURE_AUTHORITY_HOST=${emulator.url}\nGRAPH_BASE_URL=http://127.0.0.1:9\n`,
  );
  const unreachable = await runSetup(emulator, ["--name", "Offline", "--env-file", offline]);
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr, /setup: Microsoft Graph \(127\.0\.0\.1:9\): .*\nNothing was changed\./);
  assert.equal(directorySnapshot(emulator), before);
});

Deno.test("a stale AZURE_CLIENT_ID in .env falls back to the name, and .env is corrected", async () => {
  await using emulator = await fresh();
  const envFile = await emulatorEnvFile(emulator, ["AZURE_CLIENT_ID=99999999-9999-4999-8999-999999999999"]);
  const result = await runSetup(emulator, ["--env-file", envFile, "--json"]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /AZURE_CLIENT_ID 99999999-9999-4999-8999-999999999999 in \.env is not in this tenant/,
  );
  assert.equal(
    (result.json!.server as { appId: string }).appId,
    emulator.config.server.clientId,
    "the seeded demo app",
  );
  assert.equal((await readEnvFileValues(envFile)).AZURE_CLIENT_ID, emulator.config.server.clientId);
  assert.equal(emulator.state.directory.applications.length, 2, "no duplicate created");
  assert.ok(!result.stdout.includes(emulator.config.server.clientSecret));
});

Deno.test("usage: --help lists every flag; bad values are refused with exit code 2", async () => {
  await using emulator = await fresh();
  const help = await runSetup(emulator, ["--help"]);
  assert.equal(help.code, 0);
  for (
    const flag of [
      "--use-az",
      "--tenant",
      "--name",
      "--redirect-uri",
      "--base-url",
      "--env-file",
      "--grant-admin-consent",
      "--rotate-secrets",
      "--dry-run",
      "-i, --interactive",
      "--json",
      "-h, --help",
    ]
  ) assert.ok(help.stdout.includes(flag), flag);
  const bad: Array<[string[], RegExp]> = [
    [["--redirect-uri", "http://obot.example.com/cb"], /--redirect-uri must be an https URL/],
    [["--redirect-uri", "https://obot.example.com/cb#x"], /without #fragment/],
    [["--base-url", "https://mcp.example.com/mcp"], /--base-url must be an http\(s\) origin/],
    [["--name", " "], /--name must not be empty/],
    [["--tenant", "a/b"], /--tenant must be a tenant ID or domain/],
    [["--frobnicate"], /Unknown option '--frobnicate'/],
  ];
  for (const [args, message] of bad) {
    const result = await runSetup(emulator, args);
    assert.equal(result.code, 2, args.join(" "));
    assert.match(result.stderr, message);
  }
});

Deno.test("hosts set in the environment for the run are written to .env, so the server uses the same cloud", async () => {
  await using emulator = await fresh();
  const envFile = `${await Deno.makeTempDir()}/.env`;
  const env = { AZURE_AUTHORITY_HOST: emulator.url, GRAPH_BASE_URL: emulator.url };
  const result = await runSetup(emulator, ["--env-file", envFile, "--json"], { env });
  assert.equal(result.code, 0, result.stderr);
  const values = await readEnvFileValues(envFile);
  assert.equal(values.AZURE_AUTHORITY_HOST, emulator.url);
  assert.equal(values.GRAPH_BASE_URL, emulator.url);
  assert.deepEqual(result.json!.changes, [
    "add a Server app secret (none in .env)",
    "write .env: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, BASE_URL, AZURE_AUTHORITY_HOST, GRAPH_BASE_URL",
  ]);
  assert.deepEqual((await runSetup(emulator, ["--env-file", envFile, "--json"], { env })).json!.changes, []);
  const badCloud = await runSetup(emulator, ["--env-file", envFile], { env: { AZURE_CLOUD: "Mars" } });
  assert.equal(badCloud.code, 1);
  assert.match(
    badCloud.stderr,
    /setup: AZURE_CLOUD: must be one of AzurePublic, AzureUSGovernment, AzureChina/,
  );
  const plainHttp = await runSetup(emulator, ["--env-file", envFile], {
    env: { GRAPH_BASE_URL: "http://graph.example.com" },
  });
  assert.equal(plainHttp.code, 1);
  assert.match(plainHttp.stderr, /GRAPH_BASE_URL: must use https \(http only for loopback\)/);
});
