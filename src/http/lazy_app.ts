/**
 * The handler behind `export default { fetch }` (`deno serve main.ts`, Deno Deploy): the application is
 * built from the environment on the first request, so importing the module has no side effects.
 */
import { ConfigError, loadConfig, readEnvironment } from "../config/mod.ts";
import { createLogger } from "../log/logger.ts";
import { type App, createApp } from "./app.ts";
import { json } from "./responses.ts";

/** A `fetch` handler that builds the app on first use. */
export function createLazyFetch(): (request: Request) => Promise<Response> {
  let app: Promise<App | ConfigError> | undefined;
  return async (request) => {
    app ??= (async () => {
      try {
        const config = loadConfig(readEnvironment());
        const logger = createLogger({ level: config.logLevel });
        logger.info("server_info", {
          mode: "declarative",
          credential: config.credential.kind,
          cloud: config.cloud,
        });
        return await createApp(config, { logger });
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        console.error(`entra-obo-mcp: ${error.message}`);
        return error;
      }
    })();
    const ready = await app;
    if (ready instanceof ConfigError) {
      const healthz = new URL(request.url).pathname === "/healthz";
      return healthz
        ? json({ status: "ok" })
        : json({ error: "server_misconfigured", error_description: "see the server log" }, { status: 500 });
    }
    return await ready.fetch(request);
  };
}
