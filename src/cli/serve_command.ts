/** `entra-obo-mcp serve` (the default command): runs the MCP server until SIGINT/SIGTERM. */
import { parseArgs } from "node:util";
import {
  ConfigError,
  loadConfig,
  mcpResourceUrl,
  readEnvironment,
  type ServerConfig,
} from "../config/mod.ts";
import { importAndCreateApp, lazyApp } from "../http/lazy_app.ts";
import { type ClientCredential, createClientCredential } from "../obo/client_credential.ts";
import { createLogger } from "../log/logger.ts";
import { VERSION } from "../version.ts";
import { waitForSignal } from "./signals.ts";

/** Usage text for the serve command. */
export const SERVE_USAGE = `Usage: entra-obo-mcp serve [--env-file PATH]

Runs the MCP server. Configuration comes from environment variables; a .env file in the working
directory (or --env-file PATH) is read first and real environment variables win. See .env.example.`;

/** Runs the server; resolves with the exit code after a graceful shutdown. */
export async function runServeCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { "env-file": { type: "string" }, help: { type: "boolean", short: "h", default: false } },
    strict: true,
  });
  if (values.help) {
    console.log(SERVE_USAGE);
    return 0;
  }
  let config: ServerConfig;
  try {
    config = loadConfig(readEnvironment({ envFile: values["env-file"] }));
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`entra-obo-mcp: ${error.message}\n\nSee .env.example for every setting.`);
      return 1;
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  let credential: ClientCredential;
  try {
    // Checked now, so a bad certificate or token file stops start-up instead of failing the first call.
    credential = await createClientCredential(config.credential, { clientId: config.clientId });
  } catch (error) {
    console.error(`entra-obo-mcp: ${error instanceof Error ? error.message : error}`);
    return 1;
  }
  const app = lazyApp(() => importAndCreateApp(config, { logger, credential }));
  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({ hostname: config.host, port: config.port, onListen: resolve }, app.fetch);
  logger.info("server_info", serverInfo(config, await listening));
  const signal = await waitForSignal();
  logger.info("shutting down", { signal });
  // shutdown() stops accepting connections and waits for in-flight requests to finish.
  await server.shutdown();
  app.current()?.close();
  logger.info("stopped");
  return 0;
}

/** The facts logged once at start. */
export function serverInfo(config: ServerConfig, address: Deno.NetAddr): Record<string, string | number> {
  return {
    version: VERSION,
    deno: Deno.version.deno,
    listen: `${address.hostname}:${address.port}`,
    mcp_url: mcpResourceUrl(config),
    auth_mode: "entra_id_bearer",
    credential: config.credential.kind,
    cloud: config.cloud,
    authority: config.authorityHost,
    graph: config.graphBaseUrl,
    tenant: config.tenantId,
    client_id: config.clientId,
  };
}
