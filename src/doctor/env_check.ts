/** `doctor`: is the configuration complete and valid, read exactly as the server reads it? */
import { ConfigError, loadConfig, readEnvironment, type ServerConfig } from "../config/mod.ts";
import type { CheckResult } from "./check.ts";

const TITLE = ".env complete";

/** Loads the server configuration from `envFile` and `processEnv`; the result says what is missing. */
export function checkEnvironment(
  envFile: string,
  processEnv: Record<string, string>,
): { result: CheckResult; config?: ServerConfig } {
  try {
    const config = loadConfig(readEnvironment({ envFile, processEnv }));
    return {
      config,
      result: {
        id: "env",
        title: TITLE,
        status: "pass",
        detail:
          `tenant ${config.tenantId}, Server app ${config.clientId}, ${config.credential.kind} credential, ` +
          `authority ${config.authorityHost}, Graph ${config.graphBaseUrl}`,
      },
    };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return {
      result: {
        id: "env",
        title: TITLE,
        status: "fail",
        detail: error.problems.map((p) => `${p.variable} ${p.message}`).join("; "),
        fix: `set the variables in ${envFile} or the environment (see .env.example); ` +
          "entra-obo-mcp setup writes AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET and BASE_URL",
      },
    };
  }
}
