/**
 * `/mcp`: MCP Streamable HTTP, stateless, JSON responses. Order matters: DNS-rebinding checks (the Host
 * check runs for every route in `app.ts`), then authentication on every method (before content
 * negotiation: Obot's first probe sends neither Accept nor Content-Type and must still get the 401
 * challenge), then Streamable HTTP negotiation and size limits, then a pooled, connected MCP server.
 */
import { bearerTokenOf } from "../auth/bearer_token.ts";
import { AuthUnavailableError, BearerChallengeError } from "../auth/errors.ts";
import type { AccessTokenVerifier } from "../auth/access_token_verifier.ts";
import { mcpResourceUrl, type ServerConfig } from "../config/mod.ts";
import type { Logger } from "../log/logger.ts";
import type { McpRequestContext } from "../mcp/request_context.ts";
import { toAuthInfo } from "../mcp/request_context.ts";
import type { McpServerPool } from "../mcp/server.ts";
import { originAllowed } from "./request_guards.ts";
import { checkPostHeaders, parsePostBody, postResponse } from "./streamable_http.ts";
import { challengeResponse, json, jsonRpcError } from "./responses.ts";

/** Largest accepted request body (1 MiB). */
export const MAX_BODY_BYTES = 1024 * 1024;

const CORS_HEADERS = {
  "access-control-allow-methods": "POST, GET, DELETE, OPTIONS",
  "access-control-allow-headers":
    "authorization, content-type, accept, mcp-protocol-version, mcp-session-id, last-event-id",
  "access-control-expose-headers": "www-authenticate, mcp-session-id, mcp-protocol-version",
  "access-control-max-age": "600",
};

/** Everything the endpoint needs. */
export interface McpEndpointDependencies {
  config: ServerConfig;
  verifier: AccessTokenVerifier;
  pool: McpServerPool;
}

/** What the endpoint tells the access log about a request. */
export interface McpOutcome {
  userHash?: string;
  outcome: string;
}

/** Handles one request to `/mcp`. */
export async function handleMcpRequest(
  request: Request,
  dependencies: McpEndpointDependencies & { logger: Logger },
  outcome: McpOutcome,
): Promise<Response> {
  const { config, verifier, pool, logger } = dependencies;
  const origin = request.headers.get("origin");
  if (!originAllowed(request, config)) {
    outcome.outcome = "origin_rejected";
    return json({ error: "forbidden", error_description: "this Origin is not allowed" }, { status: 403 });
  }
  const cors: Record<string, string> = origin
    ? { ...CORS_HEADERS, "access-control-allow-origin": origin, vary: "Origin" }
    : {};
  if (request.method === "OPTIONS") {
    outcome.outcome = "preflight";
    return new Response(null, { status: 204, headers: cors });
  }

  let context: McpRequestContext;
  try {
    const assertion = bearerTokenOf(request);
    const identity = await verifier.verify(assertion);
    outcome.userHash = identity.userHash;
    context = { identity, assertion, logger: logger.child({ user: identity.userHash }) };
  } catch (error) {
    return withHeaders(authFailure(error, config, outcome), cors);
  }

  if (request.method !== "POST") {
    outcome.outcome = "method_not_allowed";
    // Stateless server: no standalone SSE stream (GET) and no sessions to delete (DELETE).
    return withHeaders(jsonRpcError(405, -32000, "Method not allowed.", { allow: "POST" }), cors);
  }
  const unacceptable = checkPostHeaders(request);
  if (unacceptable) {
    outcome.outcome = `status_${unacceptable.status}`;
    return withHeaders(unacceptable, cors);
  }
  const body = await readBody(request);
  if (body === "too_large") {
    outcome.outcome = "too_large";
    return withHeaders(jsonRpcError(413, -32000, `Request body exceeds ${MAX_BODY_BYTES} bytes.`), cors);
  }
  const post = parsePostBody(body);
  if (post instanceof Response) {
    outcome.outcome = "invalid_json_rpc";
    return withHeaders(post, cors);
  }

  const responses = await pool.exchange(post.messages, toAuthInfo(context, mcpResourceUrl(config)));
  const response = postResponse(responses, post.batch);
  if (context.challenge) {
    // A tool found that Entra needs the user to sign in again: answer 401 with the challenge so a capable
    // client can re-authenticate or step up, and keep the JSON-RPC body so the tool's explanation still
    // reaches clients (and gateways that pass responses through) that cannot.
    const challenged = challengeResponse(context.challenge, config);
    outcome.outcome = `challenge_${context.challenge.code}`;
    return withHeaders(
      new Response(await response.text(), { status: challenged.status, headers: challenged.headers }),
      cors,
    );
  }
  outcome.outcome = response.ok ? "ok" : `status_${response.status}`;
  return withHeaders(response, cors);
}

function authFailure(error: unknown, config: ServerConfig, outcome: McpOutcome): Response {
  if (error instanceof BearerChallengeError) {
    outcome.outcome = error.code ?? "no_token";
    return challengeResponse(error, config);
  }
  if (error instanceof AuthUnavailableError) {
    outcome.outcome = "auth_unavailable";
    return json({
      error: "temporarily_unavailable",
      error_description:
        "tokens cannot be verified right now (Microsoft Entra ID metadata unavailable); retry shortly",
    }, { status: 503, headers: { "retry-after": "5" } });
  }
  throw error;
}

/** Reads the body up to {@linkcode MAX_BODY_BYTES}, without trusting `Content-Length` alone. */
async function readBody(request: Request): Promise<string | "too_large"> {
  const declared = Number(request.headers.get("content-length"));
  if (declared > MAX_BODY_BYTES) {
    await request.body?.cancel();
    return "too_large";
  }
  if (!request.body) return "";
  // With a declared length within the limit, Deno enforces the length itself: read it in one go.
  if (request.headers.has("content-length")) return await request.text();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) return "too_large";
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

function withHeaders(response: Response, headers: Record<string, string>): Response {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}
