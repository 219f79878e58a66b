import assert from "node:assert/strict";
import {
  ConfigError,
  graphScope,
  loadConfig,
  mcpResourceUrl,
  protectedResourceMetadataUrl,
  readEnvironment,
} from "../../src/config/mod.ts";

const VALID = {
  AZURE_TENANT_ID: "afeab2dc-63ad-4563-980d-710d18b2a59f",
  AZURE_CLIENT_ID: "dc5e7c03-6070-423f-9bee-80357e9995ba",
  AZURE_CLIENT_SECRET: "super-secret-value",
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems.map((p) => p.variable);
  }
  return [];
}

Deno.test("defaults match the documented ones", () => {
  const config = loadConfig(VALID);
  assert.equal(config.baseUrl, "http://localhost:8000");
  assert.equal(config.host, "0.0.0.0");
  assert.equal(config.port, 8000);
  assert.equal(config.authorityHost, "https://login.microsoftonline.com");
  assert.equal(config.graphBaseUrl, "https://graph.microsoft.com");
  assert.equal(config.clockSkewSeconds, 60);
  assert.equal(config.upstreamTimeoutMs, 10_000);
  assert.equal(config.jwksCooldownSeconds, 30);
  assert.equal(config.graphTokenCacheMax, 10_000);
  assert.deepEqual(config.credential, { kind: "secret", secret: "super-secret-value" });
  assert.equal(mcpResourceUrl(config), "http://localhost:8000/mcp");
  assert.equal(
    protectedResourceMetadataUrl(config),
    "http://localhost:8000/.well-known/oauth-protected-resource/mcp",
  );
  assert.equal(graphScope(config), "https://graph.microsoft.com/.default");
});

Deno.test("every problem is reported at once, naming each variable", () => {
  assert.deepEqual(problemsOf({}), ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"]);
  assert.deepEqual(problemsOf({ ...VALID, PORT: "http", CLOCK_SKEW_SECONDS: "-1", BASE_URL: "ftp://x" }), [
    "BASE_URL",
    "PORT",
    "CLOCK_SKEW_SECONDS",
  ]);
});

Deno.test("invalid values are rejected with a clear message", () => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ AZURE_TENANT_ID: "common" }, "AZURE_TENANT_ID"],
    [{ AZURE_TENANT_ID: "not a tenant" }, "AZURE_TENANT_ID"],
    [{ AZURE_CLIENT_ID: "api://x" }, "AZURE_CLIENT_ID"],
    [{ BASE_URL: "http://localhost:8000/prefix" }, "BASE_URL"],
    [{ BASE_URL: "https://x.example.com/?a=1" }, "BASE_URL"],
    [{ AZURE_AUTHORITY_HOST: "http://login.example.com" }, "AZURE_AUTHORITY_HOST"],
    [{ GRAPH_BASE_URL: "http://graph.example.com" }, "GRAPH_BASE_URL"],
    [{ PORT: "70000" }, "PORT"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [{ AZURE_CLOUD: "Mars" }, "AZURE_CLOUD"],
    [{ ALLOWED_ORIGINS: "not-an-origin" }, "ALLOWED_ORIGINS"],
    [{ ALLOWED_ORIGINS: "https://a.example.com/path" }, "ALLOWED_ORIGINS"],
    [{ UPSTREAM_TIMEOUT_SECONDS: "0" }, "UPSTREAM_TIMEOUT_SECONDS"],
    [
      { AZURE_CLIENT_CERTIFICATE_PATH: "/tmp/cert.pem" },
      "AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH",
    ],
  ];
  for (const [override, variable] of cases) {
    assert.deepEqual(problemsOf({ ...VALID, ...override }), [variable], JSON.stringify(override));
  }
});

Deno.test("the message never echoes the secret", () => {
  try {
    loadConfig({ ...VALID, AZURE_CLIENT_ID: "nope", AZURE_CLIENT_CERTIFICATE_PATH: "/x.pem" });
    assert.fail("expected a ConfigError");
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.ok(!error.message.includes("super-secret-value"));
    assert.match(error.message, /AZURE_CLIENT_ID: must be a GUID/);
  }
});

Deno.test("loopback http authorities are allowed (the emulator); trailing slashes are trimmed", () => {
  const config = loadConfig({
    ...VALID,
    AZURE_AUTHORITY_HOST: "http://127.0.0.1:8001/",
    GRAPH_BASE_URL: "http://localhost:8001",
    BASE_URL: "https://mcp.example.com/",
  });
  assert.equal(config.authorityHost, "http://127.0.0.1:8001");
  assert.equal(config.baseUrl, "https://mcp.example.com");
  assert.equal(graphScope(config), "http://localhost:8001/.default");
});

Deno.test("sovereign clouds pick their hosts; explicit hosts still win", () => {
  const gov = loadConfig({ ...VALID, AZURE_CLOUD: "AzureUSGovernment" });
  assert.equal(gov.authorityHost, "https://login.microsoftonline.us");
  assert.equal(gov.graphBaseUrl, "https://graph.microsoft.us");
  assert.equal(graphScope(gov), "https://graph.microsoft.us/.default");
  const china = loadConfig({
    ...VALID,
    AZURE_CLOUD: "AzureChina",
    GRAPH_BASE_URL: "https://graph.example.cn",
  });
  assert.equal(china.authorityHost, "https://login.chinacloudapi.cn");
  assert.equal(china.graphBaseUrl, "https://graph.example.cn");
});

Deno.test("certificate and federated credentials are recognised", () => {
  const { AZURE_CLIENT_SECRET: _, ...withoutSecret } = VALID;
  assert.deepEqual(loadConfig({ ...withoutSecret, AZURE_CLIENT_CERTIFICATE_PATH: "/c.pem" }).credential, {
    kind: "certificate",
    certificatePath: "/c.pem",
  });
  assert.deepEqual(loadConfig({ ...withoutSecret, AZURE_FEDERATED_TOKEN_FILE: "/t" }).credential, {
    kind: "federated",
    tokenFile: "/t",
  });
});

Deno.test(".env values apply and real environment variables win", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const envFile = `${dir}/.env`;
    await Deno.writeTextFile(envFile, '# comment\nAZURE_TENANT_ID=from-file\nPORT=9000\nQUOTED="a b"\n');
    const env = readEnvironment({ envFile, processEnv: { AZURE_TENANT_ID: "from-env" } });
    assert.equal(env.AZURE_TENANT_ID, "from-env");
    assert.equal(env.PORT, "9000");
    assert.equal(env.QUOTED, "a b");
    assert.deepEqual(readEnvironment({ envFile: `${dir}/missing.env`, processEnv: { A: "1" } }), { A: "1" });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
