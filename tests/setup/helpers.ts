/**
 * Running `setup` and `doctor` in-process against a real emulator over HTTP: a console that records output
 * and approves the device code as soon as it is printed (through `/_emulator/device/approve`), a temporary
 * `.env` pointing at the emulator, and the token requests and Graph calls tests use to check the result.
 */
import assert from "node:assert/strict";
import { runDoctorCommand } from "../../src/cli/doctor_command.ts";
import { runSetupCommand } from "../../src/cli/setup_command.ts";
import type { EmulatorHandle } from "../../src/emulator/mod.ts";
import type { CommandIo } from "../../src/setup/io.ts";
import { GRAPH_CLI_CLIENT_ID } from "../../src/setup/registration_spec.ts";
import { discover } from "../helpers/gateway.ts";

/** The demo tenant's administrator and a user without directory roles. */
export const ADMIN = "miriam@contoso.onmicrosoft.com";
export const NON_ADMIN = "adele@contoso.onmicrosoft.com";

/** The Obot callback the tests register. */
export const REDIRECT_URI = "http://localhost:8080/oauth/mcp/callback";

/** Options for {@linkcode runSetup} and {@linkcode runDoctor}. */
export interface RunOptions {
  /** Who approves the device code (default the administrator); `null` leaves it pending. */
  approveAs?: string | null;
  /** Called with the user code when the device code is printed, before approval. */
  onDeviceCode?: (userCode: string) => void | Promise<void>;
  /** Answers to `--interactive` questions: called with the stage shown last; default yes. */
  answer?: (stage: string) => boolean | Promise<boolean>;
  /** The process environment the command sees (default none: the `.env` alone configures it). */
  env?: Record<string, string>;
}

/** The outcome of an in-process command run. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed, when it is JSON. */
  json?: Record<string, unknown>;
  /** The stages the command asked about (`--interactive`). */
  asked: string[];
}

/** Runs `setup` with `args` against `emulator`. */
export function runSetup(
  emulator: EmulatorHandle,
  args: string[],
  options: RunOptions = {},
): Promise<RunResult> {
  return run(emulator, (io) => runSetupCommand(args, io), options);
}

/** Runs `doctor` with `args` against `emulator`. */
export function runDoctor(
  emulator: EmulatorHandle,
  args: string[],
  options: RunOptions = {},
): Promise<RunResult> {
  return run(emulator, (io) => runDoctorCommand(args, io), options);
}

async function run(
  emulator: EmulatorHandle,
  command: (io: CommandIo) => Promise<number>,
  options: RunOptions,
): Promise<RunResult> {
  const out: string[] = [];
  const err: string[] = [];
  const asked: string[] = [];
  const approvals: Promise<void>[] = [];
  const io: CommandIo = {
    out: (line) => out.push(line),
    err: (line) => {
      err.push(line);
      const userCode = line.match(/enter the code (\S+) to authenticate/)?.[1];
      const stage = line.match(/^\nNext: (.*)$/)?.[1];
      if (stage) asked.push(stage);
      if (userCode) approvals.push(approve(emulator, userCode, options));
    },
    confirm: async () => await (options.answer?.(asked.at(-1) ?? "") ?? true),
    env: options.env ?? {},
  };
  const code = await command(io);
  await Promise.all(approvals);
  const stdout = out.join("\n");
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(stdout);
  } catch {
    // human output
  }
  return { code, stdout, stderr: err.join("\n"), json, asked };
}

async function approve(emulator: EmulatorHandle, userCode: string, options: RunOptions): Promise<void> {
  await options.onDeviceCode?.(userCode);
  if (options.approveAs === null) return;
  const response = await fetch(`${emulator.url}/_emulator/device/approve`, {
    method: "POST",
    body: JSON.stringify({ userPrincipalName: options.approveAs ?? ADMIN, user_code: userCode }),
  });
  await response.body?.cancel();
}

/** Sets emulator settings (`replicationDelayMs`, `deviceCodeIntervalSeconds`). */
export async function emulatorSettings(
  emulator: EmulatorHandle,
  settings: Record<string, number>,
): Promise<void> {
  const response = await fetch(`${emulator.url}/_emulator/settings`, {
    method: "POST",
    body: JSON.stringify(settings),
  });
  assert.equal(response.status, 200);
  await response.body?.cancel();
}

/** A temporary directory with a `.env` that points the tools at the emulator, plus `extra` lines. */
export async function emulatorEnvFile(emulator: EmulatorHandle, extra: string[] = []): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "entra-obo-setup-" });
  const path = `${dir}/.env`;
  await Deno.writeTextFile(
    path,
    [`AZURE_AUTHORITY_HOST=${emulator.url}`, `GRAPH_BASE_URL=${emulator.url}`, ...extra].join("\n") + "\n",
  );
  return path;
}

/** A `.env` for the emulator's seeded demo tenant, as `deno task emulator` prints it. */
export async function seededEnvFile(
  emulator: EmulatorHandle,
  overrides: Record<string, string> = {},
): Promise<string> {
  const values: Record<string, string> = {
    AZURE_TENANT_ID: emulator.config.tenantId,
    AZURE_CLIENT_ID: emulator.config.server.clientId,
    AZURE_CLIENT_SECRET: emulator.config.server.clientSecret,
    AZURE_AUTHORITY_HOST: emulator.config.authority,
    GRAPH_BASE_URL: emulator.config.graph,
    ...overrides,
  };
  const dir = await Deno.makeTempDir({ prefix: "entra-obo-doctor-" });
  const path = `${dir}/.env`;
  await Deno.writeTextFile(
    path,
    Object.entries(values).filter(([, v]) => v !== "").map(([k, v]) => `${k}=${v}`).join("\n") + "\n",
  );
  return path;
}

/** A `client_credentials` request for Graph's `.default`: proves (or disproves) an app's secret. */
export async function clientCredentials(
  emulator: EmulatorHandle,
  app: { clientId: string; secret: string },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const { clientId, secret } = app;
  const response = await fetch(`${emulator.url}/${emulator.config.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: secret,
      scope: "https://graph.microsoft.com/.default",
    }),
  });
  return { status: response.status, body: await response.json() };
}

/** A Graph token from a real device code sign-in with Graph Command Line Tools, for `scope`. */
export async function deviceCodeToken(
  emulator: EmulatorHandle,
  signIn: { userPrincipalName: string; scope: string },
): Promise<string> {
  const { userPrincipalName, scope } = signIn;
  const base = `${emulator.url}/organizations/oauth2/v2.0`;
  const flow = await (await fetch(`${base}/devicecode`, {
    method: "POST",
    body: new URLSearchParams({ client_id: GRAPH_CLI_CLIENT_ID, scope }),
  })).json();
  const approval = await fetch(`${emulator.url}/_emulator/device/approve`, {
    method: "POST",
    body: JSON.stringify({ userPrincipalName, user_code: flow.user_code }),
  });
  assert.equal(approval.status, 200);
  await approval.body?.cancel();
  const response = await fetch(`${base}/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "urn:ietf:params:oauth:grant-type:device_code",
      client_id: GRAPH_CLI_CLIENT_ID,
      device_code: flow.device_code,
    }),
  });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  return body.access_token;
}

/** Calls the emulated Graph as the administrator (tests break registrations on purpose with it). */
export async function adminGraph(
  emulator: EmulatorHandle,
): Promise<(method: string, path: string, body?: unknown) => Promise<Record<string, unknown>>> {
  const token = await deviceCodeToken(emulator, {
    userPrincipalName: ADMIN,
    scope: "Application.ReadWrite.All DelegatedPermissionGrant.ReadWrite.All",
  });
  return async (method, path, body) => {
    const response = await fetch(`${emulator.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
    return text === "" ? {} : JSON.parse(text);
  };
}

/** The emulator's directory as JSON, to prove that a run changed nothing. */
export function directorySnapshot(emulator: EmulatorHandle): string {
  return JSON.stringify(emulator.state.directory);
}

/** Signs a user in as a gateway configured with the client the setup created; resolves with the access token. */
export async function gatewaySignIn(
  mcpUrl: string,
  client: { clientId: string; clientSecret: string; redirectUri: string; userPrincipalName: string },
): Promise<string> {
  const { userPrincipalName } = client;
  const discovery = await discover(mcpUrl);
  const verifier = crypto.getRandomValues(new Uint8Array(32)).toBase64({
    alphabet: "base64url",
    omitPadding: true,
  });
  const challenge = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)))
    .toBase64({ alphabet: "base64url", omitPadding: true });
  const authorize = new URL(discovery.authorizationEndpoint);
  authorize.search = new URLSearchParams({
    response_type: "code",
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    scope: discovery.scope,
    state: "s",
    code_challenge: challenge,
    code_challenge_method: "S256",
    login_hint: userPrincipalName,
  }).toString();
  const redirect = await fetch(authorize, { redirect: "manual" });
  await redirect.body?.cancel();
  assert.equal(redirect.status, 302);
  const code = new URL(redirect.headers.get("location")!).searchParams.get("code");
  assert.ok(code, `no code: ${redirect.headers.get("location")}`);
  const response = await fetch(discovery.tokenEndpoint, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      code_verifier: verifier,
      redirect_uri: client.redirectUri,
      client_id: client.clientId,
      client_secret: client.clientSecret,
    }),
  });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  return body.access_token;
}
