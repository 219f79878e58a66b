/**
 * `--use-az`: the CLI runs as a child process (with the deno.json task's permissions) and finds a fake `az`
 * on PATH that prints what `az account get-access-token --resource-type ms-graph` prints, with a token the
 * emulator issued. Also the 403 paths, which need a token a device code sign-in would not give.
 */
import assert from "node:assert/strict";
import { type EmulatorHandle, startEmulator } from "../../src/emulator/mod.ts";
import { graphToken, seededUser, SETUP_SCOPES } from "../emulator/graph/graph_token.ts";
import { runDeno } from "../helpers/process.ts";
import { ADMIN, deviceCodeToken, emulatorEnvFile, seededEnvFile } from "./helpers.ts";

const SETUP_FLAGS = [
  "run",
  "--allow-net",
  "--allow-env",
  "--allow-read",
  "--allow-write",
  "--allow-run=az",
  "main.ts",
];
const DOCTOR_FLAGS = ["run", "--allow-net", "--allow-env", "--allow-read", "--allow-run=az", "main.ts"];

/** A directory holding an `az` that logs its arguments and prints `stdout` (or fails with `stderr`). */
async function fakeAz(output: { stdout?: string; stderr?: string; code?: number }): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "fake-az-" });
  await Deno.writeTextFile(`${dir}/stdout`, output.stdout ?? "");
  await Deno.writeTextFile(`${dir}/stderr`, output.stderr ?? "");
  await Deno.writeTextFile(
    `${dir}/az`,
    `#!/bin/sh\necho "$@" >> "${dir}/calls"\ncat "${dir}/stdout"\ncat "${dir}/stderr" >&2\nexit ${
      output.code ?? 0
    }\n`,
  );
  await Deno.chmod(`${dir}/az`, 0o755);
  return dir;
}

/** The JSON az prints (azure-cli `profile/custom.py`). */
function azJson(emulator: EmulatorHandle, accessToken: string): string {
  return JSON.stringify({
    accessToken,
    expiresOn: "2030-01-01 12:34:56.000000",
    expires_on: 1893501296,
    subscription: "00000000-0000-0000-0000-000000000000",
    tenant: emulator.config.tenantId,
    tokenType: "Bearer",
  });
}

function withPath(dir: string): Record<string, string> {
  return { PATH: `${dir}:${Deno.env.get("PATH") ?? ""}` };
}

Deno.test("--use-az: setup with the az CLI's token, no device code; --tenant is passed to az", async () => {
  await using emulator = await startEmulator();
  const token = await deviceCodeToken(emulator, {
    userPrincipalName: ADMIN,
    scope: "Application.ReadWrite.All DelegatedPermissionGrant.ReadWrite.All",
  });
  const dir = await fakeAz({ stdout: azJson(emulator, token) });
  const envFile = await emulatorEnvFile(emulator);
  const result = await runDeno([
    ...SETUP_FLAGS,
    "setup",
    "--use-az",
    "--tenant",
    "contoso.onmicrosoft.com",
    "--name",
    "Az",
    "--grant-admin-consent",
    "--env-file",
    envFile,
    "--json",
  ], withPath(dir));
  assert.equal(result.code, 0, result.stderr);
  assert.doesNotMatch(result.stderr, /devicelogin/);
  const json = JSON.parse(result.stdout);
  assert.equal(json.tenantId, emulator.config.tenantId, "the tenant GUID comes from the token's tid");
  assert.equal(json.adminConsent, "granted");
  assert.equal(json.changes.length, 10);
  assert.equal(
    (await Deno.readTextFile(`${dir}/calls`)).trim(),
    "account get-access-token --resource-type ms-graph --output json --tenant contoso.onmicrosoft.com",
  );
  assert.equal((await Deno.stat(envFile)).mode! & 0o777, 0o600);
  assert.ok(!result.stdout.includes(token) && !result.stderr.includes(token), "the token is never printed");
});

Deno.test("--use-az: a user without a directory role gets the 403 naming the role, and nothing is created", async () => {
  await using emulator = await startEmulator();
  const token = await graphToken(emulator, seededUser(emulator, 0), { scopes: SETUP_SCOPES });
  const dir = await fakeAz({ stdout: azJson(emulator, token) });
  const result = await runDeno([
    ...SETUP_FLAGS,
    "setup",
    "--use-az",
    "--name",
    "NoRole",
    "--env-file",
    await emulatorEnvFile(emulator),
  ], withPath(dir));
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /Insufficient privileges to create and update app registrations \(POST \/v1\.0\/applications: HTTP 403 Authorization_RequestDenied\)\. Sign in as a user with the Application Administrator or Cloud Application Administrator role/,
  );
  assert.match(result.stderr, /Server app: not created yet/);
  assert.match(result.stderr, /No changes were made\./);
  assert.equal(emulator.state.directory.applications.length, 2);
});

Deno.test("--use-az: consent refused (403) names the consent roles; the apps made so far are reported", async () => {
  await using emulator = await startEmulator();
  const token = await deviceCodeToken(emulator, {
    userPrincipalName: ADMIN,
    scope: "Application.ReadWrite.All",
  });
  const dir = await fakeAz({ stdout: azJson(emulator, token) });
  const result = await runDeno([
    ...SETUP_FLAGS,
    "setup",
    "--use-az",
    "--name",
    "HalfAdmin",
    "--grant-admin-consent",
    "--env-file",
    await emulatorEnvFile(emulator),
    "--json",
  ], withPath(dir));
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /Insufficient privileges to grant tenant-wide admin consent to Microsoft Graph \(POST \/v1\.0\/oauth2PermissionGrants: HTTP 403 Authorization_RequestDenied\)\. Sign in as a user with the Privileged Role Administrator or Global Administrator role.*rerun without --grant-admin-consent/,
  );
  assert.match(result.stderr, /Server app "HalfAdmin Server": appId/);
  assert.match(result.stderr, /Client app "HalfAdmin Client": appId/);
  const json = JSON.parse(result.stdout);
  assert.equal(json.error.code, "Authorization_RequestDenied");
  assert.equal(json.changes.length, 9, "everything but the consent");
  assert.equal(typeof json.client.clientSecret, "string", "the new client secret is not lost");
});

Deno.test("--use-az: az missing, not signed in, printing no JSON, or a token without a tenant", async () => {
  await using emulator = await startEmulator();
  const envFile = await emulatorEnvFile(emulator);
  const empty = await Deno.makeTempDir();
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ PATH: empty }, /the az CLI is not installed or not on PATH/],
    [
      withPath(await fakeAz({ stderr: "ERROR: Please run 'az login' to setup account.", code: 1 })),
      /the az CLI is not signed in \(or its sign-in expired\)\. Run "az login" and try again/,
    ],
    [
      withPath(await fakeAz({ stderr: "ERROR: something else", code: 2 })),
      /az exited with 2: ERROR: something else/,
    ],
    [withPath(await fakeAz({ stdout: "not json" })), /did not print JSON/],
    [withPath(await fakeAz({ stdout: "{}" })), /printed no accessToken/],
    [
      withPath(await fakeAz({ stdout: azJson(emulator, "opaque-token") })),
      /names no tenant \(tid\); pass --tenant/,
    ],
  ];
  for (const [env, message] of cases) {
    const result = await runDeno([...SETUP_FLAGS, "setup", "--use-az", "--env-file", envFile], env);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, message);
    assert.match(result.stderr, /Nothing was changed\./);
  }
});

Deno.test("doctor --registration --use-az: green with a reader's token; a token that cannot read fails with the fix", async () => {
  await using emulator = await startEmulator();
  const envFile = await seededEnvFile(emulator);
  const reader = await graphToken(emulator, seededUser(emulator, 0), {
    scopes: ["Application.Read.All", "Directory.Read.All"],
  });
  const ok = await runDeno([
    ...DOCTOR_FLAGS,
    "doctor",
    "--registration",
    "--use-az",
    "--env-file",
    envFile,
    "--json",
  ], withPath(await fakeAz({ stdout: azJson(emulator, reader) })));
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  const report = JSON.parse(ok.stdout);
  assert.equal(report.ok, true);
  assert.equal(report.checks.length, 12);

  const weak = await graphToken(emulator, seededUser(emulator, 0), { scopes: ["User.Read"] });
  const denied = await runDeno([
    ...DOCTOR_FLAGS,
    "doctor",
    "--registration",
    "--use-az",
    "--env-file",
    envFile,
  ], withPath(await fakeAz({ stdout: azJson(emulator, weak) })));
  assert.equal(denied.code, 1);
  assert.match(
    denied.stdout,
    /FAIL {2}read the registration: Insufficient privileges to read app registrations and permission grants .*Directory Readers.* -> fix: sign in as a user who can read/,
  );
});

Deno.test("main.ts wires setup and doctor; scripts/setup.ts runs the same command", async () => {
  const setup = await runDeno([...SETUP_FLAGS, "setup", "--help"]);
  assert.equal(setup.code, 0);
  assert.match(setup.stdout, /^Usage: entra-obo-mcp setup/);
  const doctor = await runDeno([...DOCTOR_FLAGS, "doctor", "--help"]);
  assert.equal(doctor.code, 0);
  assert.match(doctor.stdout, /^Usage: entra-obo-mcp doctor/);
  const script = await runDeno([
    "run",
    "--allow-net",
    "--allow-env",
    "--allow-read",
    "--allow-write",
    "--allow-run=az",
    "scripts/setup.ts",
    "--help",
  ]);
  assert.equal(script.code, 0);
  assert.equal(script.stdout, setup.stdout);
  const bad = await runDeno([...SETUP_FLAGS, "setup", "--nope"]);
  assert.equal(bad.code, 2);
});
