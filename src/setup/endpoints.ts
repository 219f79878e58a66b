/**
 * The authority and Graph hosts the setup talks to, from the same variables the server reads
 * (`AZURE_CLOUD`, `AZURE_AUTHORITY_HOST`, `GRAPH_BASE_URL`), so setup, doctor and server agree.
 */
import { type CloudName, CLOUDS } from "../config/mod.ts";

/** Where Entra ID and Microsoft Graph are. */
export interface Endpoints {
  /** e.g. `https://login.microsoftonline.com`, no trailing slash. */
  authorityHost: string;
  /** e.g. `https://graph.microsoft.com`, no trailing slash. */
  graphBaseUrl: string;
  /** The variables that were set explicitly, to carry into `.env` so the server uses the same hosts. */
  explicit: Record<string, string>;
}

/** Thrown for an unusable cloud or host setting; names the variable. */
export class EndpointConfigError extends Error {
  /** The variable at fault. */
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = "EndpointConfigError";
    this.variable = variable;
  }
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
const VARIABLES = ["AZURE_CLOUD", "AZURE_AUTHORITY_HOST", "GRAPH_BASE_URL"] as const;

/** Resolves the endpoints from an environment, or throws {@linkcode EndpointConfigError}. */
export function resolveEndpoints(env: Record<string, string | undefined>): Endpoints {
  const explicit: Record<string, string> = {};
  for (const name of VARIABLES) {
    const value = env[name]?.trim();
    if (value) explicit[name] = value;
  }
  const cloudName = explicit.AZURE_CLOUD ?? "AzurePublic";
  if (!Object.hasOwn(CLOUDS, cloudName)) {
    throw new EndpointConfigError("AZURE_CLOUD", `must be one of ${Object.keys(CLOUDS).join(", ")}`);
  }
  const cloud = CLOUDS[cloudName as CloudName];
  return {
    authorityHost: origin("AZURE_AUTHORITY_HOST", explicit.AZURE_AUTHORITY_HOST ?? cloud.authorityHost),
    graphBaseUrl: origin("GRAPH_BASE_URL", explicit.GRAPH_BASE_URL ?? cloud.graphBaseUrl),
    explicit,
  };
}

function origin(variable: string, value: string): string {
  const url = URL.parse(value);
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:") || url.pathname !== "/" || url.search) {
    throw new EndpointConfigError(variable, `must be an http(s) origin without a path, got "${value}"`);
  }
  // Tokens travel to these hosts: plain http only for a local emulator, as the server's configuration rules.
  if (url.protocol === "http:" && !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new EndpointConfigError(variable, `must use https (http only for loopback), got "${value}"`);
  }
  return url.origin;
}
