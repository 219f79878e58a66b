/**
 * Building the application on first use. Loading the MCP stack (the SDK's schemas, ajv) is most of a cold
 * start, so the server answers `/healthz` at once and builds the app for the first request that needs it
 * (`/mcp`, `/readyz`, metadata). `deno serve main.ts` and Deno Deploy, where isolates start per request
 * burst, get the same from `createLazyFetch`, which also reads the configuration on first use.
 */
import { ConfigError, loadConfig, readEnvironment, type ServerConfig } from "../config/mod.ts";
import { createLogger } from "../log/logger.ts";
import type { App, AppOptions } from "./app.ts";
import { json } from "./responses.ts";

/** A request handler whose application is built on first use. */
export interface LazyApp {
  fetch(request: Request): Promise<Response>;
  /** The application, once built. */
  current(): App | undefined;
}

/** Wraps `build` so it runs once, on the first request other than `/healthz`. */
export function lazyApp(build: () => Promise<App>): LazyApp {
  let pending: Promise<App> | undefined;
  let built: App | undefined;
  return {
    current: () => built,
    fetch: async (request) => {
      if (built) return await built.fetch(request);
      if (new URL(request.url).pathname === "/healthz") return json({ status: "ok" });
      pending ??= build().then((app) => built = app);
      return await (await pending).fetch(request);
    },
  };
}

/** Builds the app from `config` with the MCP stack imported on demand. */
export async function importAndCreateApp(config: ServerConfig, options: AppOptions): Promise<App> {
  const { createApp } = await import("./app.ts");
  return await createApp(config, options);
}

/** The `export default { fetch }` handler: configuration from the environment, read on first use. */
export function createLazyFetch(): (request: Request) => Promise<Response> {
  let misconfigured: ConfigError | undefined;
  const app = lazyApp(async () => {
    const config = loadConfig(readEnvironment());
    const logger = createLogger({ level: config.logLevel });
    logger.info("server_info", {
      mode: "declarative",
      credential: config.credential.kind,
      cloud: config.cloud,
    });
    return await importAndCreateApp(config, { logger });
  });
  return async (request) => {
    if (misconfigured) return misconfiguredResponse(request);
    try {
      return await app.fetch(request);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      misconfigured = error;
      console.error(`entra-obo-mcp: ${error.message}`);
      return misconfiguredResponse(request);
    }
  };
}

function misconfiguredResponse(request: Request): Response {
  return new URL(request.url).pathname === "/healthz"
    ? json({ status: "ok" })
    : json({ error: "server_misconfigured", error_description: "see the server log" }, { status: 500 });
}
