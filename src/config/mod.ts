/**
 * Server configuration from environment variables (and `.env`, see `env_file.ts`). Every problem is
 * collected and reported at once, naming the variable; secret values are never echoed.
 */
export { readEnvironment } from "./env_file.ts";

/** Sovereign clouds with their authority and Graph hosts (MSAL `AuthorityMetadata`, Graph deployments). */
export const CLOUDS = {
  AzurePublic: {
    authorityHost: "https://login.microsoftonline.com",
    graphBaseUrl: "https://graph.microsoft.com",
  },
  AzureUSGovernment: {
    authorityHost: "https://login.microsoftonline.us",
    graphBaseUrl: "https://graph.microsoft.us",
  },
  AzureChina: {
    authorityHost: "https://login.chinacloudapi.cn",
    graphBaseUrl: "https://microsoftgraph.chinacloudapi.cn",
  },
} as const;

/** A sovereign cloud name accepted by `AZURE_CLOUD`. */
export type CloudName = keyof typeof CLOUDS;

/** Log levels, most verbose first. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

/** A log level accepted by `LOG_LEVEL`. */
export type LogLevel = typeof LOG_LEVELS[number];

/** How the server proves its own identity to Entra ID for the On-Behalf-Of exchange. */
export type ClientCredentialConfig =
  | { kind: "secret"; secret: string }
  | { kind: "certificate"; certificatePath: string }
  | { kind: "federated"; tokenFile: string };

/** The validated server configuration. */
export interface ServerConfig {
  tenantId: string;
  clientId: string;
  credential: ClientCredentialConfig;
  /** Public origin of the server (scheme, host, port), without a trailing slash. */
  baseUrl: string;
  host: string;
  port: number;
  cloud: CloudName;
  /** Authority host, e.g. `https://login.microsoftonline.com`, without a trailing slash. */
  authorityHost: string;
  /** Graph base URL, e.g. `https://graph.microsoft.com`, without a trailing slash. */
  graphBaseUrl: string;
  clockSkewSeconds: number;
  allowedOrigins: string[];
  allowedHosts: string[];
  upstreamTimeoutMs: number;
  jwksCooldownSeconds: number;
  logLevel: LogLevel;
  /** Maximum number of cached Graph tokens (one per user and token). */
  graphTokenCacheMax: number;
}

/** One invalid or missing setting. */
export interface ConfigProblem {
  variable: string;
  message: string;
}

/** Thrown when the configuration is invalid; `message` lists every problem, one per line. */
export class ConfigError extends Error {
  /** The problems found, one per variable. */
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p.variable}: ${p.message}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Validates the environment and returns the configuration, or throws {@linkcode ConfigError}. */
export function loadConfig(env: Record<string, string | undefined>): ServerConfig {
  const problems: ConfigProblem[] = [];
  const problem = (variable: string, message: string) => problems.push({ variable, message });
  const get = (name: string) => {
    const value = env[name]?.trim();
    return value === "" ? undefined : value;
  };

  const tenantId = get("AZURE_TENANT_ID");
  if (!tenantId) {
    problem("AZURE_TENANT_ID", "is required (the directory (tenant) ID of your Entra ID tenant)");
  } else if (["common", "organizations", "consumers"].includes(tenantId.toLowerCase())) {
    problem("AZURE_TENANT_ID", `must name one tenant (a GUID or domain), not "${tenantId}"`);
  } else if (!GUID.test(tenantId) && !DOMAIN.test(tenantId)) {
    problem("AZURE_TENANT_ID", `must be a tenant GUID or domain name, got "${tenantId}"`);
  }

  const clientId = get("AZURE_CLIENT_ID");
  if (!clientId) problem("AZURE_CLIENT_ID", "is required (the application (client) ID of the server app)");
  else if (!GUID.test(clientId)) problem("AZURE_CLIENT_ID", `must be a GUID, got "${clientId}"`);

  const credential = readCredential(get, problem);

  const cloudName = get("AZURE_CLOUD") ?? "AzurePublic";
  const cloud = Object.hasOwn(CLOUDS, cloudName) ? cloudName as CloudName : undefined;
  if (!cloud) problem("AZURE_CLOUD", `must be one of ${Object.keys(CLOUDS).join(", ")}, got "${cloudName}"`);
  const defaults = CLOUDS[cloud ?? "AzurePublic"];

  const baseUrl = readUrl(get("BASE_URL") ?? "http://localhost:8000", "BASE_URL", problem, {});
  const authorityHost = readUrl(
    get("AZURE_AUTHORITY_HOST") ?? defaults.authorityHost,
    "AZURE_AUTHORITY_HOST",
    problem,
    {
      requireHttpsUnlessLoopback: true,
    },
  );
  const graphBaseUrl = readUrl(get("GRAPH_BASE_URL") ?? defaults.graphBaseUrl, "GRAPH_BASE_URL", problem, {
    requireHttpsUnlessLoopback: true,
  });

  const host = get("HOST") ?? "0.0.0.0";
  const port = readInteger(get("PORT"), "PORT", problem, { min: 0, max: 65535, fallback: 8000 });
  const clockSkewSeconds = readInteger(get("CLOCK_SKEW_SECONDS"), "CLOCK_SKEW_SECONDS", problem, {
    min: 0,
    max: 600,
    fallback: 60,
  });
  const upstreamTimeoutSeconds = readInteger(
    get("UPSTREAM_TIMEOUT_SECONDS"),
    "UPSTREAM_TIMEOUT_SECONDS",
    problem,
    {
      min: 1,
      max: 300,
      fallback: 10,
    },
  );
  const jwksCooldownSeconds = readInteger(get("JWKS_COOLDOWN_SECONDS"), "JWKS_COOLDOWN_SECONDS", problem, {
    min: 0,
    max: 3600,
    fallback: 30,
  });
  const graphTokenCacheMax = readInteger(get("GRAPH_TOKEN_CACHE_MAX"), "GRAPH_TOKEN_CACHE_MAX", problem, {
    min: 1,
    max: 10_000_000,
    fallback: 10_000,
  });

  const logLevel = (get("LOG_LEVEL") ?? "info").toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    problem("LOG_LEVEL", `must be one of ${LOG_LEVELS.join(", ")}, got "${logLevel}"`);
  }

  const allowedOrigins = list(get("ALLOWED_ORIGINS")).map((origin) => {
    const parsed = URL.parse(origin);
    if (!parsed || parsed.origin === "null" || parsed.origin !== origin.replace(/\/$/, "")) {
      problem("ALLOWED_ORIGINS", `"${origin}" is not an origin like https://app.example.com`);
    }
    return parsed?.origin ?? origin;
  });
  const allowedHosts = list(get("ALLOWED_HOSTS")).map((h) => h.toLowerCase());

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    tenantId: tenantId!,
    clientId: clientId!.toLowerCase(),
    credential: credential!,
    baseUrl: baseUrl!,
    host,
    port,
    cloud: cloud!,
    authorityHost: authorityHost!,
    graphBaseUrl: graphBaseUrl!,
    clockSkewSeconds,
    allowedOrigins,
    allowedHosts,
    upstreamTimeoutMs: upstreamTimeoutSeconds * 1000,
    jwksCooldownSeconds,
    logLevel: logLevel as LogLevel,
    graphTokenCacheMax,
  };
}

function readCredential(
  get: (name: string) => string | undefined,
  problem: (variable: string, message: string) => void,
): ClientCredentialConfig | undefined {
  const secret = get("AZURE_CLIENT_SECRET");
  const certificatePath = get("AZURE_CLIENT_CERTIFICATE_PATH");
  const tokenFile = get("AZURE_FEDERATED_TOKEN_FILE");
  const given = [
    secret && "AZURE_CLIENT_SECRET",
    certificatePath && "AZURE_CLIENT_CERTIFICATE_PATH",
    tokenFile &&
    "AZURE_FEDERATED_TOKEN_FILE",
  ].filter(Boolean);
  if (given.length === 0) {
    problem(
      "AZURE_CLIENT_SECRET",
      "is required (or AZURE_CLIENT_CERTIFICATE_PATH, or AZURE_FEDERATED_TOKEN_FILE): the server's credential for On-Behalf-Of",
    );
    return undefined;
  }
  if (given.length > 1) {
    problem(given.join(", "), "set exactly one client credential; more than one is ambiguous");
    return undefined;
  }
  if (secret) return { kind: "secret", secret };
  if (certificatePath) return { kind: "certificate", certificatePath };
  return { kind: "federated", tokenFile: tokenFile! };
}

function readUrl(
  value: string,
  variable: string,
  problem: (variable: string, message: string) => void,
  options: { requireHttpsUnlessLoopback?: boolean },
): string | undefined {
  const url = URL.parse(value);
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
    problem(variable, `must be an http(s) URL, got "${value}"`);
    return undefined;
  }
  if (url.search || url.hash || url.username || url.password) {
    problem(variable, `must not have a query, fragment or credentials, got "${value}"`);
    return undefined;
  }
  if (url.pathname !== "/") {
    problem(variable, `must be an origin without a path, got "${value}"`);
    return undefined;
  }
  if (options.requireHttpsUnlessLoopback && url.protocol === "http:" && !LOOPBACK_HOSTS.has(url.hostname)) {
    problem(variable, `must use https (http is only allowed for loopback emulators), got "${value}"`);
    return undefined;
  }
  return url.origin;
}

function readInteger(
  value: string | undefined,
  variable: string,
  problem: (variable: string, message: string) => void,
  options: { min: number; max: number; fallback: number },
): number {
  if (value === undefined) return options.fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < options.min || number > options.max) {
    problem(variable, `must be an integer from ${options.min} to ${options.max}, got "${value}"`);
    return options.fallback;
  }
  return number;
}

function list(value: string | undefined): string[] {
  return (value ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/** The MCP endpoint's URL, which is also the RFC 9728 `resource` identifier. */
export function mcpResourceUrl(config: ServerConfig): string {
  return `${config.baseUrl}/mcp`;
}

/** The path-suffixed RFC 9728 §3.1 metadata URL advertised in `WWW-Authenticate`. */
export function protectedResourceMetadataUrl(config: ServerConfig): string {
  return `${config.baseUrl}/.well-known/oauth-protected-resource/mcp`;
}

/** The delegated scope a caller's token must carry, fully qualified. */
export function requiredScope(config: ServerConfig): string {
  return `api://${config.clientId}/access_as_user`;
}

/** The v2.0 authorization server (issuer) of the tenant, as advertised in the metadata. */
export function authorizationServer(config: ServerConfig): string {
  return `${config.authorityHost}/${config.tenantId}/v2.0`;
}

/** The scope requested in the On-Behalf-Of exchange: `.default` of the Graph host in use. */
export function graphScope(config: ServerConfig): string {
  return `${new URL(config.graphBaseUrl).origin}/.default`;
}
