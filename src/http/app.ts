/**
 * The HTTP application: wires configuration into token verification, the OBO cache, Graph and the MCP
 * server, and routes `/mcp`, the RFC 9728 metadata, `/healthz` and `/readyz`. Everything else is 404 and
 * nothing redirects (a cross-origin redirect would lose the bearer token).
 */
import { AccessTokenVerifier } from "../auth/access_token_verifier.ts";
import { JwksSource } from "../auth/jwks.ts";
import { OidcMetadataSource } from "../auth/oidc_metadata.ts";
import { protectedResourceMetadata } from "../auth/protected_resource_metadata.ts";
import { graphScope, type ServerConfig } from "../config/mod.ts";
import { GraphClient } from "../graph/graph_client.ts";
import { ServerHealth } from "../health/server_health.ts";
import { createLogger, type Logger } from "../log/logger.ts";
import { createMcpServer, McpServerPool } from "../mcp/server.ts";
import { adminConsentUrl } from "../mcp/tool_failures.ts";
import { type ClientCredential, createClientCredential } from "../obo/client_credential.ts";
import { FailureMemory } from "../obo/failure_memory.ts";
import { GraphTokenProvider } from "../obo/graph_token_provider.ts";
import { exchangeOnBehalfOf } from "../obo/obo_client.ts";
import { handleMcpRequest, type McpOutcome } from "./mcp_endpoint.ts";
import { hostAllowed } from "./request_guards.ts";
import { annotateActiveSpan } from "../telemetry/mod.ts";
import { json } from "./responses.ts";

/** A running application. */
export interface App {
  /** Handles one HTTP request. */
  fetch(request: Request): Promise<Response>;
  /** Components, for tests, diagnostics and the benchmark. */
  readonly parts: AppParts;
  /** Stops background work (key refreshes). */
  close(): void;
}

/** The application's components. */
export interface AppParts {
  config: ServerConfig;
  logger: Logger;
  metadata: OidcMetadataSource;
  keys: JwksSource;
  verifier: AccessTokenVerifier;
  credential: ClientCredential;
  tokens: GraphTokenProvider;
  health: ServerHealth;
  pool: McpServerPool;
}

/** Options for {@linkcode createApp}. */
export interface AppOptions {
  logger?: Logger;
  /** The server's credential, if already created (and so checked) by the caller. */
  credential?: ClientCredential;
  /** How long app-wide OBO failures (consent, credential) are remembered (default 30 s). */
  failureMemoryMs?: number;
}

const PRM_PATHS = new Set([
  "/.well-known/oauth-protected-resource",
  "/.well-known/oauth-protected-resource/mcp",
]);
const PRM_CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, HEAD, OPTIONS",
  "access-control-allow-headers": "*",
  "access-control-max-age": "86400",
};

/** Builds the application from a validated configuration. */
export async function createApp(config: ServerConfig, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const metadata = new OidcMetadataSource(config, { logger });
  const keys = new JwksSource(metadata, {
    logger,
    cooldownMs: config.jwksCooldownSeconds * 1000,
    timeoutMs: config.upstreamTimeoutMs,
  });
  keys.startBackgroundRefresh();
  const verifier = new AccessTokenVerifier(config, { metadata, keys });
  const credential = options.credential ??
    await createClientCredential(config.credential, { clientId: config.clientId });
  const health = new ServerHealth();
  const scope = graphScope(config);
  const failures = new FailureMemory({
    ttlMs: options.failureMemoryMs ?? 30_000,
    onIncident: (error) => {
      const fields = { aadsts: error.aadsts, error: error.error, description: error.message };
      if (error.aadsts === 65001) {
        logger.warn("admin consent for Microsoft Graph is missing", {
          ...fields,
          admin_consent_url: adminConsentUrl(config),
        });
      } else {
        logger.error("Entra ID rejected the server's credential", {
          ...fields,
          credential: config.credential.kind,
        });
      }
    },
  });
  const tokens = new GraphTokenProvider({
    scope,
    failures,
    maxEntries: config.graphTokenCacheMax,
    exchange: (assertion) => exchangeOnBehalfOf(assertion, { config, credential, logger, scope }),
  });
  const graph = new GraphClient({
    baseUrl: config.graphBaseUrl,
    timeoutMs: config.upstreamTimeoutMs,
    logger,
  });
  const pool = new McpServerPool(() => createMcpServer({ graph, tokens, health, config }));
  const parts: AppParts = { config, logger, metadata, keys, verifier, credential, tokens, health, pool };

  return {
    parts,
    fetch: (request) => route(request, parts),
    close: () => keys.stop(),
  };
}

async function route(request: Request, parts: AppParts): Promise<Response> {
  const { config, logger } = parts;
  const url = new URL(request.url);
  if (url.pathname === "/healthz") {
    return request.method === "GET" || request.method === "HEAD"
      ? json({ status: "ok" })
      : new Response(null, { status: 405, headers: { allow: "GET, HEAD" } });
  }
  const started = performance.now();
  const requestId = request.headers.get("x-request-id")?.slice(0, 64) || crypto.randomUUID();
  const outcome: McpOutcome = { outcome: "ok" };
  let response: Response;
  try {
    if (!hostAllowed(request, config)) {
      outcome.outcome = "host_rejected";
      response = json({ error: "misdirected_request", error_description: "unknown Host" }, { status: 421 });
    } else if (url.pathname === "/mcp") {
      response = await handleMcpRequest(request, {
        ...parts,
        logger: logger.child({ request_id: requestId }),
      }, outcome);
    } else if (PRM_PATHS.has(url.pathname)) {
      response = protectedResource(request, config);
    } else if (url.pathname === "/readyz") {
      response = await readiness(parts);
    } else {
      outcome.outcome = "not_found";
      response = json({ error: "not_found" }, { status: 404 });
    }
  } catch (error) {
    logger.error("request failed", {
      request_id: requestId,
      path: url.pathname,
      error: error instanceof Error ? error.message : String(error),
    });
    outcome.outcome = "error";
    response = json({ error: "server_error" }, { status: 500 });
  }
  response.headers.set("x-request-id", requestId);
  annotateActiveSpan({
    "entra_obo_mcp.request_id": requestId,
    "entra_obo_mcp.outcome": outcome.outcome,
    ...(outcome.userHash ? { "enduser.hash": outcome.userHash } : {}),
  });
  logger.info("request", {
    request_id: requestId,
    method: request.method,
    path: url.pathname,
    status: response.status,
    duration_ms: Math.round((performance.now() - started) * 10) / 10,
    user: outcome.userHash,
    outcome: outcome.outcome,
  });
  return response;
}

function protectedResource(request: Request, config: ServerConfig): Response {
  if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: PRM_CORS });
  if (request.method !== "GET" && request.method !== "HEAD") {
    return new Response(null, { status: 405, headers: { allow: "GET, HEAD, OPTIONS", ...PRM_CORS } });
  }
  const response = json(protectedResourceMetadata(config), {
    headers: { ...PRM_CORS, "cache-control": "public, max-age=3600" },
  });
  return request.method === "HEAD" ? new Response(null, { headers: response.headers }) : response;
}

async function readiness(parts: AppParts): Promise<Response> {
  const { metadata, keys, health } = parts;
  // A probe may trigger the lazy loads; their own backoff keeps this from hammering Entra.
  const metadataReady = await metadata.get().then(() => true, () => false);
  const keysReady = keys.loaded ||
    (metadataReady && await keys.refresh().then(() => keys.loaded, () => false));
  const credential = health.credential;
  const ready = metadataReady && keysReady && credential.state !== "failed";
  return json({
    status: ready ? "ready" : "not_ready",
    checks: {
      metadata: metadataReady ? "ok" : "unavailable",
      signing_keys: keysReady ? "ok" : "unavailable",
      credential: credential.state === "failed" ? `failed: ${credential.detail}` : credential.state,
    },
  }, { status: ready ? 200 : 503 });
}
