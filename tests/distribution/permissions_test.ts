/**
 * Every subcommand of the binary, run from `main.ts` under exactly the permission flags `deno compile` bakes
 * in (`COMPILE_PERMISSIONS` in scripts/compile.ts, with `--no-prompt`): a permission the code needs but the
 * binary lacks fails here, not on a user's machine.
 *
 * To cover a new subcommand or option, add a row to `ONE_SHOT` (runs to completion) or a test like the
 * `serve`/`demo`/`emulator` ones below (long-running: drive it like a user, then stop it with a signal).
 */
import assert from "node:assert/strict";
import { COMPILE_PERMISSIONS } from "../../scripts/compile.ts";
import { startEmulator } from "../../src/emulator/mod.ts";
import { followDemoInstructions } from "../helpers/demo.ts";
import { callToolRaw, emulatorAdmin } from "../helpers/mcp_http.ts";
import { runDeno, spawnDeno } from "../helpers/process.ts";
import { mintServerToken } from "../helpers/tokens.ts";
import { ADMIN, deviceCodeToken, emulatorEnvFile, REDIRECT_URI } from "../setup/helpers.ts";
import { freePort, serverEnv, startServeChild } from "./serve_child.ts";

/** What Deno prints when code touches something it has no permission for. */
const PERMISSION_FAILURE = /NotCapable|PermissionDenied|Requires \w+ access|--allow-\w+/;

/** Runs `main.ts <args>` under the compile's flags. */
function runMain(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return runDeno(["run", ...COMPILE_PERMISSIONS, "main.ts", ...args], env);
}

interface OneShot {
  args: string[];
  stdout: RegExp;
}

const ONE_SHOT: OneShot[] = [
  { args: ["--help"], stdout: /^entra-obo-mcp \d+\.\d+\.\d+\n\nUsage: entra-obo-mcp \[command\]/ },
  { args: ["--version"], stdout: /^entra-obo-mcp \d+\.\d+\.\d+ \(deno \d+\.\d+\.\d+\)\n$/ },
  { args: ["serve", "--help"], stdout: /^Usage: entra-obo-mcp serve/ },
  { args: ["emulator", "--help"], stdout: /^Usage: entra-obo-mcp emulator/ },
  { args: ["demo", "--help"], stdout: /^Usage: entra-obo-mcp demo/ },
  { args: ["setup", "--help"], stdout: /^Usage: entra-obo-mcp setup/ },
  { args: ["doctor", "--help"], stdout: /^Usage: entra-obo-mcp doctor/ },
];

for (const { args, stdout } of ONE_SHOT) {
  Deno.test(`compile permissions: ${args.join(" ")}`, async () => {
    const result = await runMain(args);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, stdout);
    assert.doesNotMatch(result.stderr, PERMISSION_FAILURE);
  });
}

Deno.test("compile permissions: serve reads --env-file, verifies, exchanges, calls Graph, stops on SIGTERM", async () => {
  await using emulator = await startEmulator();
  const dir = await Deno.makeTempDir();
  try {
    const port = freePort();
    const envFile = `${dir}/server.env`;
    await Deno.writeTextFile(
      envFile,
      Object.entries(serverEnv(emulator, port)).map(([name, value]) => `${name}=${value}`).join("\n"),
    );
    await using server = await startServeChild(emulator, { args: ["--env-file", envFile], env: {}, port });
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 200, await ready.clone().text());
    await ready.body?.cancel();
    const token = await mintServerToken(emulator);
    const hello = await callToolRaw(server.mcpUrl, token, "hello");
    assert.equal(hello.status, 200);
    assert.equal(hello.text, `Hello, ${emulator.config.users[0].displayName}!`);
    const junk = await callToolRaw(server.mcpUrl, token, "list_junk_emails");
    assert.equal(junk.status, 200);
    assert.notEqual(junk.result?.isError, true, junk.text);
    assert.equal(await server.child.stop("SIGTERM"), 0);
    assert.doesNotMatch(server.child.output().stderr.join("\n"), PERMISSION_FAILURE);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("compile permissions: demo --port 0 --emulator-port 0 answers as its instructions say", async () => {
  await followDemoInstructions(COMPILE_PERMISSIONS);
});

Deno.test("compile permissions: emulator --port 0 serves discovery and signing keys, stops on SIGTERM", async () => {
  await using child = spawnDeno(["run", ...COMPILE_PERMISSIONS, "main.ts", "emulator", "--port", "0"]);
  const config = JSON.parse(await child.stdoutLine(/^\{/));
  const discovery = await fetch(
    `${config.authority}/${config.tenantId}/v2.0/.well-known/openid-configuration`,
  );
  assert.equal(discovery.status, 200);
  const { jwks_uri } = await discovery.json();
  const keys = await fetch(jwks_uri);
  assert.equal(keys.status, 200);
  assert.ok((await keys.json()).keys.length > 0);
  assert.equal(await child.stop("SIGTERM"), 0);
  assert.doesNotMatch(child.output().stderr.join("\n"), PERMISSION_FAILURE);
});

Deno.test("compile permissions: setup signs in with a device code, writes --env-file; doctor passes on it", async () => {
  await using emulator = await startEmulator({ settings: { deviceCodeIntervalSeconds: 0 } });
  const envFile = await emulatorEnvFile(emulator);
  try {
    await using setup = spawnDeno([
      "run",
      ...COMPILE_PERMISSIONS,
      "main.ts",
      "setup",
      "--name",
      "Permissions Test",
      "--redirect-uri",
      REDIRECT_URI,
      "--grant-admin-consent",
      "--env-file",
      envFile,
      "--json",
    ]);
    const userCode = (await setup.stderrLine(/enter the code \S+ to authenticate/))
      .match(/enter the code (\S+) to authenticate/)![1];
    await emulatorAdmin(emulator.url, "device/approve", { userPrincipalName: ADMIN, user_code: userCode });
    await setup.process.status;
    assert.equal(await setup.stop(), 0, setup.output().stderr.join("\n"));
    const result = JSON.parse(setup.output().stdout.join("\n"));
    const written = await Deno.readTextFile(envFile);
    assert.match(written, new RegExp(`^AZURE_CLIENT_ID=${result.server.appId}$`, "m"));
    assert.match(written, /^AZURE_CLIENT_SECRET=\S+$/m);
    assert.equal((await Deno.stat(envFile)).mode! & 0o777, 0o600);
    assert.doesNotMatch(setup.output().stderr.join("\n"), PERMISSION_FAILURE);

    const doctor = await runMain(["doctor", "--env-file", envFile]);
    assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
    assert.doesNotMatch(doctor.stderr, PERMISSION_FAILURE);
  } finally {
    await Deno.remove(envFile.replace(/\/[^/]+$/, ""), { recursive: true });
  }
});

Deno.test("compile permissions: setup --use-az --dry-run runs the az CLI", async () => {
  await using emulator = await startEmulator();
  const envFile = await emulatorEnvFile(emulator);
  const bin = await Deno.makeTempDir({ prefix: "fake-az-" });
  try {
    const token = await deviceCodeToken(emulator, {
      userPrincipalName: ADMIN,
      scope: "Application.ReadWrite.All DelegatedPermissionGrant.ReadWrite.All",
    });
    // What `az account get-access-token --resource-type ms-graph` prints.
    const printed = JSON.stringify({
      accessToken: token,
      tenant: emulator.config.tenantId,
      tokenType: "Bearer",
    });
    await Deno.writeTextFile(
      `${bin}/az`,
      `#!/bin/sh\necho "$@" >> "${bin}/calls"\ncat <<'JSON'\n${printed}\nJSON\n`,
    );
    await Deno.chmod(`${bin}/az`, 0o755);
    const before = await Deno.readTextFile(envFile);
    const result = await runMain(
      ["setup", "--use-az", "--dry-run", "--redirect-uri", REDIRECT_URI, "--env-file", envFile],
      { PATH: `${bin}:${Deno.env.get("PATH") ?? ""}` },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, PERMISSION_FAILURE);
    assert.match(
      await Deno.readTextFile(`${bin}/calls`),
      /^account get-access-token --resource-type ms-graph/,
    );
    assert.equal(await Deno.readTextFile(envFile), before, "a dry run writes nothing");
  } finally {
    await Deno.remove(bin, { recursive: true });
    await Deno.remove(envFile.replace(/\/[^/]+$/, ""), { recursive: true });
  }
});
