/** Starts the MCP server on a loopback port, configured against a running emulator. */
import { loadConfig, type ServerConfig } from "../../src/config/mod.ts";
import type { EmulatorHandle } from "../../src/emulator/mod.ts";
import { serverEnvironmentFor } from "../../src/emulator/server_env.ts";
import { type App, type AppOptions, createApp } from "../../src/http/app.ts";
import { createLogger } from "../../src/log/logger.ts";

/** A running server for a test. */
export interface TestServer {
  url: string;
  mcpUrl: string;
  app: App;
  config: ServerConfig;
  /** Every log line the server wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts a server whose Entra and Graph are `emulator`; `env` overrides settings. */
export async function startTestServer(
  emulator: EmulatorHandle,
  env: Record<string, string> = {},
  options: Omit<AppOptions, "logger"> = {},
): Promise<TestServer> {
  const ready: { app?: App } = {};
  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: resolve },
    (request) => ready.app ? ready.app.fetch(request) : new Response("starting", { status: 503 }),
  );
  const { port } = await listening;
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    ...serverEnvironmentFor(emulator.config, { baseUrl: url, host: "127.0.0.1", port }),
    LOG_LEVEL: "debug",
    ...env,
  });
  const logs: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level: config.logLevel, write: (line) => logs.push(JSON.parse(line)) });
  let app: App;
  try {
    app = await createApp(config, { ...options, logger });
  } catch (error) {
    await server.shutdown();
    throw error;
  }
  ready.app = app;
  const close = async () => {
    await server.shutdown();
    app.close();
  };
  return { url, mcpUrl: `${url}/mcp`, app, config, logs, close, [Symbol.asyncDispose]: close };
}
