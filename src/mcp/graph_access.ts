/**
 * Runs a Graph call for the caller: a Graph token from the OBO cache, and — when Graph rejects that token
 * with 401 (revoked, or CAE) — one retry with a freshly exchanged token.
 */
import { GraphApiError } from "../graph/errors.ts";
import type { GraphClient } from "../graph/graph_client.ts";
import type { ServerHealth } from "../health/server_health.ts";
import type { GraphTokenProvider } from "../obo/graph_token_provider.ts";
import type { McpRequestContext } from "./request_context.ts";

/** Graph plus the token provider, as the tools use them. */
export interface GraphAccess {
  graph: GraphClient;
  tokens: GraphTokenProvider;
  health: ServerHealth;
}

/** Calls `call` with a Graph token for the caller of `context`. */
export async function withGraphToken<T>(
  access: GraphAccess,
  context: McpRequestContext,
  call: (token: string) => Promise<T>,
): Promise<T> {
  const token = await access.tokens.getToken(context.assertion);
  access.health.credentialAccepted();
  try {
    return await call(token);
  } catch (error) {
    if (!(error instanceof GraphApiError) || error.status !== 401) throw error;
    context.logger.info("graph rejected a cached token; exchanging again", { code: error.code });
    access.tokens.evict(context.assertion);
    return await call(await access.tokens.getToken(context.assertion));
  }
}
