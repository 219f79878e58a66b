/** The command line as users run it: subcommands in child processes, with the tasks' permission flags. */
import assert from "node:assert/strict";
import { startEmulator } from "../../src/emulator/mod.ts";
import { serverEnvironmentFor } from "../../src/emulator/server_env.ts";
import { followDemoInstructions } from "../helpers/demo.ts";
import { runDeno, SERVER_FLAGS, spawnDeno } from "../helpers/process.ts";

Deno.test("--help and --version", async () => {
  const help = await runDeno(["run", ...SERVER_FLAGS, "main.ts", "--help"]);
  assert.equal(help.code, 0);
  for (const command of ["serve", "setup", "doctor", "demo", "emulator"]) {
    assert.match(help.stdout, new RegExp(`\\n  ${command} `));
  }
  const version = await runDeno(["run", ...SERVER_FLAGS, "main.ts", "--version"]);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^entra-obo-mcp \d+\.\d+\.\d+ \(deno \d+\.\d+\.\d+\)\n$/);
  assert.equal(version.stderr, "", "no 'did you mean deno serve' warning");
  const unknown = await runDeno(["run", ...SERVER_FLAGS, "main.ts", "frobnicate"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
});

Deno.test("emulator --port 0 prints one JSON line, serves, and stops cleanly on SIGTERM", async () => {
  await using child = spawnDeno(["run", ...SERVER_FLAGS, "main.ts", "emulator", "--port", "0"]);
  const line = await child.stdoutLine(/^\{/);
  const config = JSON.parse(line);
  assert.match(config.authority, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(config.graph, config.authority);
  assert.ok(config.server.clientId && config.server.clientSecret && config.server.identifierUri);
  assert.ok(config.client.redirectUris.includes("http://localhost:8080/oauth/mcp/callback"));
  assert.equal(config.users.at(-1).admin, false);
  const discovery = await fetch(
    `${config.authority}/${config.tenantId}/v2.0/.well-known/openid-configuration`,
  );
  assert.equal(discovery.status, 200);
  await discovery.body?.cancel();
  assert.equal(await child.stop(), 0);
  assert.equal(child.output().stdout.length, 1, "stdout holds only the JSON line");
  assert.ok(child.output().stderr.some((l) => l.includes("/v2.0/.well-known/openid-configuration 200")));
});

Deno.test("serve: invalid configuration stops start-up with one message naming each variable", async () => {
  const result = await runDeno([
    "run",
    ...SERVER_FLAGS,
    "main.ts",
    "serve",
    "--env-file",
    "/nonexistent/.env",
  ], {
    AZURE_CLIENT_ID: "not-a-guid",
    AZURE_CLIENT_SECRET: "do-not-print-me",
    PORT: "99999",
  });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /AZURE_TENANT_ID: is required/);
  assert.match(result.stderr, /AZURE_CLIENT_ID: must be a GUID/);
  assert.match(result.stderr, /PORT: must be an integer/);
  assert.ok(!result.stderr.includes("do-not-print-me"));
});

Deno.test("serve: starts from a .env file, logs server_info, answers, and shuts down gracefully on SIGTERM", async () => {
  await using emulator = await startEmulator();
  const dir = await Deno.makeTempDir();
  const envFile = `${dir}/.env`;
  const port = 20000 + Math.floor(Math.random() * 20000);
  await Deno.writeTextFile(
    envFile,
    Object.entries(
      serverEnvironmentFor(emulator.config, { baseUrl: `http://127.0.0.1:${port}`, host: "127.0.0.1", port }),
    )
      .map(([name, value]) => `${name}=${value}`).join("\n"),
  );
  try {
    await using child = spawnDeno(["run", ...SERVER_FLAGS, "main.ts", "serve", "--env-file", envFile]);
    const info = JSON.parse(await child.stderrLine(/"msg":"server_info"/));
    assert.equal(info.credential, "secret");
    assert.equal(info.cloud, "AzurePublic");
    assert.equal(info.mcp_url, `http://127.0.0.1:${port}/mcp`);
    assert.ok(!JSON.stringify(child.output()).includes(emulator.config.server.clientSecret));
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(health.status, 200);
    await health.body?.cancel();
    assert.equal(await child.stop("SIGTERM"), 0);
    assert.ok(child.output().stderr.some((l) => l.includes('"msg":"stopped"')));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("demo: following its printed instructions gets 'Hello, <name>!'", async () => {
  await followDemoInstructions(SERVER_FLAGS);
});

Deno.test("deno serve main.ts serves the declarative export from the environment", async () => {
  await using emulator = await startEmulator();
  const port = 20000 + Math.floor(Math.random() * 20000);
  await using child = spawnDeno([
    "serve",
    ...SERVER_FLAGS,
    "--port",
    String(port),
    "--host",
    "127.0.0.1",
    "main.ts",
  ], serverEnvironmentFor(emulator.config, { baseUrl: `http://127.0.0.1:${port}` }));
  await child.stderrLine(/Listening on/);
  const prm = await fetch(`http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp`);
  assert.equal(prm.status, 200);
  assert.equal((await prm.json()).resource, `http://127.0.0.1:${port}/mcp`);
  const challenge = await fetch(`http://127.0.0.1:${port}/mcp`, { method: "POST" });
  assert.equal(challenge.status, 401);
  await challenge.body?.cancel();
});

Deno.test("emulator --tls-cert/--tls-key serves HTTPS (for MSAL-based clients); one without the other is refused", async () => {
  const { createSelfSignedCertificate } = await import("../../src/emulator/self_signed_certificate.ts");
  const cert = await createSelfSignedCertificate("localhost", {
    dnsNames: ["localhost"],
    ipAddresses: ["127.0.0.1"],
  });
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/cert.pem`, cert.certificatePem);
    await Deno.writeTextFile(`${dir}/key.pem`, cert.privateKeyPem);
    const half = await runDeno([
      "run",
      ...SERVER_FLAGS,
      "main.ts",
      "emulator",
      "--tls-cert",
      `${dir}/cert.pem`,
    ]);
    assert.equal(half.code, 2);
    assert.match(half.stderr, /--tls-cert and --tls-key must be given together/);
    await using child = spawnDeno([
      "run",
      ...SERVER_FLAGS,
      "main.ts",
      "emulator",
      "--port",
      "0",
      "--tls-cert",
      `${dir}/cert.pem`,
      "--tls-key",
      `${dir}/key.pem`,
    ]);
    const config = JSON.parse(await child.stdoutLine(/^\{/));
    assert.match(config.authority, /^https:\/\/127\.0\.0\.1:\d+$/);
    const client = Deno.createHttpClient({ caCerts: [cert.certificatePem] });
    try {
      const response = await fetch(
        `${config.authority}/${config.tenantId}/v2.0/.well-known/openid-configuration`,
        {
          client,
        },
      );
      assert.equal((await response.json()).issuer, `${config.authority}/${config.tenantId}/v2.0`);
    } finally {
      client.close();
    }
    assert.equal(await child.stop(), 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
