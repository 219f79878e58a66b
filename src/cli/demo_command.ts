/**
 * `entra-obo-mcp demo`: the emulator and the MCP server wired together on this machine, with instructions
 * (and a ready bearer token) for connecting curl, the MCP Inspector or Obot. No tenant needed.
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../config/mod.ts";
import { signInDemoUser } from "../emulator/demo_sign_in.ts";
import { type EmulatorConfig, startEmulator } from "../emulator/mod.ts";
import { serverEnvironmentFor } from "../emulator/server_env.ts";
import { createApp } from "../http/app.ts";
import { createLogger } from "../log/logger.ts";
import { waitForSignal } from "./signals.ts";

/** Usage text for the demo command. */
export const DEMO_USAGE = `Usage: entra-obo-mcp demo [--port N] [--emulator-port N] [--user UPN] [--verbose]

Starts the Entra ID + Graph emulator and the MCP server wired to it, then prints how to connect.

  --port N            MCP server port (default 8000; 0 picks a free port)
  --emulator-port N   emulator port (default 8001; 0 picks a free port)
  --user UPN          the user to print a bearer token for (default: the first demo user)
  --verbose           log every request of the server and the emulator to stderr`;

/** Runs the demo until interrupted. */
export async function runDemoCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string", default: "8000" },
      "emulator-port": { type: "string", default: "8001" },
      user: { type: "string" },
      verbose: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(DEMO_USAGE);
    return 0;
  }
  const port = Number(values.port);
  const emulatorPort = Number(values["emulator-port"]);
  for (const [name, value] of [["--port", port], ["--emulator-port", emulatorPort]] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 65535) {
      console.error(`demo: ${name} must be an integer from 0 to 65535`);
      return 2;
    }
  }
  const log = values.verbose ? (line: string) => console.error(line) : undefined;
  const emulator = await startEmulator({
    port: emulatorPort,
    log: log && ((line) => log(`[emulator] ${line}`)),
  });
  const user = values.user
    ? emulator.config.users.find((u) => u.userPrincipalName.toLowerCase() === values.user!.toLowerCase())
    : emulator.config.users[0];
  if (!user) {
    console.error(
      `demo: no demo user ${values.user}; choose one of ${
        emulator.config.users.map((u) => u.userPrincipalName).join(", ")
      }`,
    );
    await emulator.close();
    return 2;
  }

  // Listen first so that BASE_URL can name the real port when --port 0 was asked for.
  const handler: { fetch?: (request: Request) => Promise<Response> } = {};
  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port, onListen: resolve },
    (request) => handler.fetch?.(request) ?? Promise.resolve(new Response("starting", { status: 503 })),
  );
  const address = await listening;
  const baseUrl = `http://localhost:${address.port}`;
  const config = loadConfig({
    ...serverEnvironmentFor(emulator.config, { baseUrl, host: "127.0.0.1", port: address.port }),
    LOG_LEVEL: values.verbose ? "info" : "warn",
  });
  const app = await createApp(config, { logger: createLogger({ level: config.logLevel }) });
  handler.fetch = app.fetch;

  const tokens = await signInDemoUser(emulator.config, user.userPrincipalName);
  // The demo's purpose is a ready bearer token for a person to paste (issue 2): an emulator-issued token for a
  // demo user, printed once to stdout, never to a log. The server's logs never carry tokens.
  console.log(instructions(emulator.config, `${baseUrl}/mcp`, user, tokens.accessToken));
  await waitForSignal();
  await server.shutdown();
  app.close();
  await emulator.close();
  return 0;
}

function instructions(
  emulator: EmulatorConfig,
  mcpUrl: string,
  user: { userPrincipalName: string; displayName: string },
  token: string,
): string {
  const call = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"hello","arguments":{}}}`;
  return `entra-obo-mcp demo: the MCP server and a local Entra ID + Microsoft Graph emulator are running.

  MCP server   ${mcpUrl}
  Emulator     ${emulator.authority}  (tenant ${emulator.tenantId})

1. Try it with curl. A bearer token for ${user.displayName} (${user.userPrincipalName}), valid about an hour:

TOKEN=${token}

curl -s ${mcpUrl} \\
  -H "Authorization: Bearer $TOKEN" \\
  -H "Accept: application/json, text/event-stream" -H "Content-Type: application/json" \\
  -d '${call}'

   The answer contains "Hello, ${user.displayName}!". Use "list_junk_emails" for the junk folder.

2. MCP Inspector (npx @modelcontextprotocol/inspector): transport "Streamable HTTP", URL ${mcpUrl},
   Authentication > Bearer Token: the TOKEN above. (The Inspector's own OAuth flow sends an RFC 8707
   "resource" parameter, which Entra ID - and therefore the emulator - rejects with AADSTS9010010.)

3. Obot: add a remote MCP server with URL ${mcpUrl} and Static OAuth:
     Client ID      ${emulator.client.clientId}
     Client secret  ${emulator.client.clientSecret}
   The emulator accepts the callback ${emulator.client.redirectUris[0]} (any localhost port).
   Sign in with any demo user: ${emulator.users.map((u) => u.userPrincipalName).join(", ")}

Press Ctrl+C to stop.`;
}
