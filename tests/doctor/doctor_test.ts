/**
 * `doctor` against the emulator: all green on the seeded demo tenant, and each check failing with its fix
 * when the configuration or the registration is broken on purpose; exit code 0 only when nothing failed.
 */
import assert from "node:assert/strict";
import { type EmulatorHandle, startEmulator } from "../../src/emulator/mod.ts";
import { createSelfSignedCertificate } from "../../src/emulator/self_signed_certificate.ts";
import type { CheckResult, DoctorReport } from "../../src/doctor/check.ts";
import { runDeno, SERVER_FLAGS } from "../helpers/process.ts";
import { adminGraph, emulatorSettings, runDoctor, seededEnvFile } from "../setup/helpers.ts";

const REGISTRATION_IDS = [
  "registration.server_app",
  "registration.identifier_uri",
  "registration.token_version",
  "registration.scope",
  "registration.pre_authorized_client",
  "registration.redirect_uris",
  "registration.graph_permissions",
  "registration.admin_consent",
  "registration.secret_expiry",
];

function fresh(): Promise<EmulatorHandle> {
  return startEmulator({ settings: { deviceCodeIntervalSeconds: 0 } });
}

async function doctor(
  emulator: EmulatorHandle,
  envFile: string,
  extra: string[] = ["--registration"],
): Promise<{ code: number; report: DoctorReport; byId: Record<string, CheckResult> }> {
  const result = await runDoctor(emulator, ["--env-file", envFile, "--json", ...extra]);
  const report = result.json as unknown as DoctorReport;
  assert.ok(report, result.stdout + result.stderr);
  return { code: result.code, report, byId: Object.fromEntries(report.checks.map((c) => [c.id, c])) };
}

/** Asserts that exactly `failing` failed, each with a fix matching its pattern, and everything else passed. */
function expectFailures(
  result: Awaited<ReturnType<typeof doctor>>,
  failing: Record<string, RegExp>,
  others: "pass" | "pass-or-skip" = "pass",
): void {
  assert.equal(result.code, Object.keys(failing).length > 0 ? 1 : 0);
  assert.equal(result.report.ok, Object.keys(failing).length === 0);
  for (const check of result.report.checks) {
    const fix = failing[check.id];
    if (fix) {
      assert.equal(check.status, "fail", `${check.id}: ${check.detail}`);
      assert.match(check.fix ?? "", fix, check.id);
    } else if (others === "pass") {
      assert.equal(check.status, "pass", `${check.id}: ${check.detail} ${check.fix ?? ""}`);
    } else {
      assert.notEqual(check.status, "fail", `${check.id}: ${check.detail}`);
    }
  }
}

Deno.test("doctor: all green on the seeded demo tenant, one line per check", async () => {
  await using emulator = await fresh();
  const envFile = await seededEnvFile(emulator);
  const result = await doctor(emulator, envFile);
  expectFailures(result, {});
  assert.deepEqual(result.report.checks.map((c) => c.id), [
    "env",
    "discovery",
    "credential",
    ...REGISTRATION_IDS,
  ]);
  assert.equal(result.report.envFile, envFile);

  const human = await runDoctor(emulator, ["--env-file", envFile, "--registration"]);
  assert.equal(human.code, 0);
  const lines = human.stdout.split("\n");
  assert.equal(lines.length, 12 + 2);
  assert.ok(lines.slice(0, 12).every((l) => l.startsWith("PASS  ")), human.stdout);
  assert.equal(lines.at(-1), "All 12 checks that ran passed.");
  assert.match(human.stderr, /enter the code/, "the registration checks sign in with a device code");

  const quick = await doctor(emulator, envFile, []);
  assert.deepEqual(quick.report.checks.map((c) => c.id), ["env", "discovery", "credential"]);
  expectFailures(quick, {});
});

Deno.test("doctor: an incomplete .env fails first and the checks that need it are skipped", async () => {
  await using emulator = await fresh();
  const envFile = await seededEnvFile(emulator, { AZURE_CLIENT_SECRET: "", AZURE_CLIENT_ID: "not-a-guid" });
  const result = await doctor(emulator, envFile);
  assert.equal(result.code, 1);
  assert.equal(result.byId.env.status, "fail");
  assert.match(result.byId.env.detail, /AZURE_CLIENT_ID must be a GUID.*AZURE_CLIENT_SECRET is required/);
  assert.match(result.byId.env.fix!, /entra-obo-mcp setup writes AZURE_TENANT_ID/);
  assert.deepEqual(result.report.checks.slice(1).map((c) => [c.id, c.status]), [
    ["discovery", "skip"],
    ["credential", "skip"],
    ["registration", "skip"],
  ]);
  const human = await runDoctor(emulator, ["--env-file", envFile]);
  assert.match(human.stdout, /^FAIL {2}\.env complete: .* -> fix: set the variables in /);
  assert.match(human.stdout, /^SKIP {2}server credential: not run: the configuration is incomplete$/m);
  assert.match(human.stdout, /1 of 1 checks that ran failed\.$/);
});

Deno.test("doctor: unreachable authority and unknown tenant fail discovery and credential with fixes", async () => {
  await using emulator = await fresh();
  const offline = await doctor(
    emulator,
    await seededEnvFile(emulator, { AZURE_AUTHORITY_HOST: "http://127.0.0.1:9" }),
    [],
  );
  expectFailures(offline, {
    discovery: /check AZURE_TENANT_ID .* AZURE_AUTHORITY_HOST\/AZURE_CLOUD \(http:\/\/127\.0\.0\.1:9\)/,
    credential: /check the secret credential's file and that http:\/\/127\.0\.0\.1:9 is reachable/,
  });
  const stranger = await doctor(
    emulator,
    await seededEnvFile(emulator, { AZURE_TENANT_ID: "11111111-2222-4333-8444-555555555555" }),
    [],
  );
  expectFailures(stranger, {
    discovery: /check AZURE_TENANT_ID \(11111111-2222-4333-8444-555555555555\)/,
    credential: /tenant 11111111-2222-4333-8444-555555555555 was not found: check AZURE_TENANT_ID/,
  });
});

Deno.test("doctor: a wrong secret, a removed secret, an expired one and one expiring soon", async () => {
  await using emulator = await fresh();
  const wrong = await doctor(
    emulator,
    await seededEnvFile(emulator, { AZURE_CLIENT_SECRET: "xyz8Q~not-the-secret" }),
  );
  expectFailures(wrong, {
    credential: /AZURE_CLIENT_SECRET is not a secret of app .*setup --rotate-secrets/,
    "registration.secret_expiry": /setup --rotate-secrets/,
  });
  assert.match(wrong.byId.credential.detail, /invalid_client: AADSTS7000215/);

  const graph = await adminGraph(emulator);
  const appId = emulator.config.server.clientId;
  const app = await graph("GET", `/v1.0/applications(appId='${appId}')`) as {
    id: string;
    passwordCredentials: Array<{ keyId: string }>;
  };
  const soon = await graph("POST", `/v1.0/applications/${app.id}/addPassword`, {
    passwordCredential: { endDateTime: new Date(Date.now() + 10 * 86_400_000).toISOString() },
  }) as { secretText: string };
  const expiring = await doctor(
    emulator,
    await seededEnvFile(emulator, { AZURE_CLIENT_SECRET: soon.secretText }),
  );
  expectFailures(expiring, {}, "pass-or-skip");
  assert.equal(expiring.byId["registration.secret_expiry"].status, "warn");
  assert.match(
    expiring.byId["registration.secret_expiry"].detail,
    /expires \d{4}-\d\d-\d\d \(in (9|10) days\)/,
  );
  assert.match(expiring.byId["registration.secret_expiry"].fix!, /rotate-secrets` before then/);

  const old = await graph("POST", `/v1.0/applications/${app.id}/addPassword`, {
    passwordCredential: {
      startDateTime: new Date(Date.now() - 40 * 86_400_000).toISOString(),
      endDateTime: new Date(Date.now() - 86_400_000).toISOString(),
    },
  }) as { secretText: string };
  const expired = await doctor(
    emulator,
    await seededEnvFile(emulator, { AZURE_CLIENT_SECRET: old.secretText }),
  );
  expectFailures(expired, {
    credential: /the secret has expired: run `entra-obo-mcp setup --rotate-secrets`/,
    "registration.secret_expiry": /rotate-secrets/,
  });

  // The seeded secret removed through Graph's removePassword.
  await graph("POST", `/v1.0/applications/${app.id}/removePassword`, {
    keyId: app.passwordCredentials[0].keyId,
  });
  const removed = await doctor(emulator, await seededEnvFile(emulator));
  expectFailures(removed, {
    credential: /AZURE_CLIENT_SECRET is not a secret of app/,
    "registration.secret_expiry": /rotate-secrets/,
  });
});

Deno.test("doctor: each registration check fails with its fix when the registration is broken on purpose", async () => {
  await using emulator = await fresh();
  const envFile = await seededEnvFile(emulator);
  const serverAppId = emulator.config.server.clientId;
  const server = `/v1.0/applications(appId='${serverAppId}')`;
  const client = `/v1.0/applications(appId='${emulator.config.client.clientId}')`;
  type Graph = Awaited<ReturnType<typeof adminGraph>>;
  const scopeOf = async (graph: Graph) =>
    ((await graph("GET", server)) as { api: { oauth2PermissionScopes: Array<Record<string, unknown>> } }).api
      .oauth2PermissionScopes[0];
  const cases: Array<[string, (graph: Graph) => Promise<unknown>, Record<string, RegExp>]> = [
    ["consent removed", () =>
      fetch(`${emulator.url}/_emulator/consent`, {
        method: "POST",
        body: JSON.stringify({ appId: serverAppId, granted: false }),
      }).then((r) => r.body?.cancel()), {
      "registration.admin_consent": new RegExp(
        `setup --grant-admin-consent\`, or have an administrator open ${emulator.url}/${emulator.config.tenantId}/adminconsent\\?client_id=${serverAppId}`,
      ),
    }],
    [
      "scope disabled",
      async (graph) =>
        graph("PATCH", server, {
          api: { oauth2PermissionScopes: [{ ...await scopeOf(graph), isEnabled: false }] },
        }),
      {
        "registration.scope": /setup` \(it enables access_as_user\)/,
      },
    ],
    ["identifier URI removed", (graph) => graph("PATCH", server, { identifierUris: [] }), {
      "registration.identifier_uri": /it sets api:\/\//,
    }],
    ["v1 tokens", (graph) => graph("PATCH", server, { api: { requestedAccessTokenVersion: 1 } }), {
      "registration.token_version": /it sets 2/,
    }],
    [
      "no pre-authorized client",
      (graph) => graph("PATCH", server, { api: { preAuthorizedApplications: [] } }),
      {
        "registration.pre_authorized_client": /pre-authorizes the Client app/,
        "registration.redirect_uris": /--redirect-uri/,
      },
    ],
    ["Graph permissions removed", (graph) => graph("PATCH", server, { requiredResourceAccess: [] }), {
      "registration.graph_permissions": /it declares them/,
    }],
    ["client redirect URIs removed", (graph) => graph("PATCH", client, { web: { redirectUris: [] } }), {
      "registration.redirect_uris": /setup --redirect-uri https:\/\/<gateway>\/oauth\/mcp\/callback`/,
    }],
  ];
  for (const [label, breakIt, failing] of cases) {
    const reset = await fetch(`${emulator.url}/_emulator/reset`, { method: "POST" });
    await reset.body?.cancel();
    await emulatorSettings(emulator, { deviceCodeIntervalSeconds: 0 });
    await breakIt(await adminGraph(emulator));
    const result = await doctor(emulator, envFile);
    try {
      expectFailures(result, failing);
    } catch (error) {
      throw new Error(`${label}: ${(error as Error).message}`);
    }
  }
});

Deno.test("doctor: an app that is not in the tenant fails the credential and the registration lookup", async () => {
  await using emulator = await fresh();
  const envFile = await seededEnvFile(emulator, { AZURE_CLIENT_ID: "99999999-9999-4999-8999-999999999999" });
  const result = await doctor(emulator, envFile);
  assert.equal(result.code, 1);
  assert.match(result.byId.credential.fix!, /does not exist in tenant .*check AZURE_CLIENT_ID/);
  assert.equal(result.byId["registration.server_app"].status, "fail");
  assert.match(
    result.byId["registration.server_app"].fix!,
    /check AZURE_CLIENT_ID, or run `entra-obo-mcp setup`/,
  );
  assert.ok(REGISTRATION_IDS.slice(1).every((id) => result.byId[id].status === "skip"));
});

Deno.test("doctor: a declined sign-in fails the registration checks only", async () => {
  await using emulator = await fresh();
  const envFile = await seededEnvFile(emulator);
  const result = await runDoctor(emulator, ["--env-file", envFile, "--registration", "--json"], {
    approveAs: null,
    onDeviceCode: (userCode) => {
      [...emulator.state.deviceCodes.values()].find((g) => g.userCode === userCode)!.status = "declined";
    },
  });
  assert.equal(result.code, 1);
  const checks = (result.json as unknown as DoctorReport).checks;
  assert.deepEqual(checks.map((c) => [c.id, c.status]), [
    ["env", "pass"],
    ["discovery", "pass"],
    ["credential", "pass"],
    ["registration.sign_in", "fail"],
  ]);
  assert.match(checks[3].detail, /declined/);
});

Deno.test("doctor: a certificate credential is proven with a client assertion (no secret involved)", async () => {
  await using emulator = await fresh();
  const certificate = await createSelfSignedCertificate("entra-obo-mcp doctor test");
  const graph = await adminGraph(emulator);
  await graph("PATCH", `/v1.0/applications(appId='${emulator.config.server.clientId}')`, {
    keyCredentials: [{ type: "AsymmetricX509Cert", usage: "Verify", key: certificate.der.toBase64() }],
  });
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/server.pem`,
    `${certificate.certificatePem}\n${certificate.privateKeyPem}\n`,
  );
  const envFile = await seededEnvFile(emulator, {
    AZURE_CLIENT_SECRET: "",
    AZURE_CLIENT_CERTIFICATE_PATH: `${dir}/server.pem`,
  });
  const result = await doctor(emulator, envFile);
  expectFailures(result, {}, "pass-or-skip");
  assert.match(result.byId.credential.detail, /Entra ID accepted the certificate/);
  assert.equal(result.byId["registration.secret_expiry"].status, "skip");

  await Deno.writeTextFile(`${dir}/server.pem`, "not a pem");
  const broken = await doctor(emulator, envFile, []);
  expectFailures(broken, { credential: /check the certificate credential's file/ });
});

Deno.test("doctor: usage errors exit 2; --help lists every flag; the CLI's exit codes", async () => {
  await using emulator = await fresh();
  const help = await runDoctor(emulator, ["--help"]);
  assert.equal(help.code, 0);
  for (const flag of ["--env-file", "--registration", "--use-az", "--tenant", "--json", "-h, --help"]) {
    assert.ok(help.stdout.includes(flag), flag);
  }
  assert.equal((await runDoctor(emulator, ["--use-az"])).code, 2);
  assert.equal((await runDoctor(emulator, ["--bogus"])).code, 2);

  const envFile = await seededEnvFile(emulator);
  const green = await runDeno([...SERVER_FLAGS, "main.ts", "doctor", "--env-file", envFile]);
  assert.equal(green.code, 0, green.stdout + green.stderr);
  assert.match(green.stdout, /All 3 checks that ran passed\./);
  const red = await runDeno([...SERVER_FLAGS, "main.ts", "doctor", "--env-file", "/nonexistent/.env"]);
  assert.equal(red.code, 1);
  assert.match(red.stdout, /FAIL {2}\.env complete: AZURE_TENANT_ID is required/);
});
