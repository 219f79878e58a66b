/**
 * The Streamable HTTP framing of MCP POSTs in JSON-response mode (MCP transport spec): Accept and
 * Content-Type negotiation, the `MCP-Protocol-Version` header, JSON-RPC validation, and the HTTP answer
 * (202 for notifications only; otherwise the response object, or an array for a batch). Mirrors what the
 * SDK's WebStandardStreamableHTTPServerTransport answers, status for status.
 */
import { type JSONRPCMessage, JSONRPCMessageSchema, SUPPORTED_PROTOCOL_VERSIONS } from "../mcp/sdk.ts";
import { jsonRpcError } from "./responses.ts";

/** The SDK's limit on messages in one batch. */
const MAX_BATCH_SIZE = 100;

/** A parsed POST: its messages and whether they came as a batch (array). */
export interface McpPost {
  messages: JSONRPCMessage[];
  batch: boolean;
}

/** The HTTP error for a POST whose headers the transport cannot serve, or `undefined`. */
export function checkPostHeaders(request: Request): Response | undefined {
  const accept = request.headers.get("accept") ?? "";
  if (!accept.includes("application/json") || !accept.includes("text/event-stream")) {
    return jsonRpcError(
      406,
      -32000,
      "Not Acceptable: Client must accept both application/json and text/event-stream",
    );
  }
  const contentType = request.headers.get("content-type") ?? "";
  if (contentType.split(";")[0].trim().toLowerCase() !== "application/json") {
    return jsonRpcError(415, -32000, "Unsupported Media Type: Content-Type must be application/json");
  }
  // A missing header is tolerated (Obot's older client sends none); an unknown version is not.
  const version = request.headers.get("mcp-protocol-version");
  if (version !== null && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
    return jsonRpcError(
      400,
      -32000,
      `Bad Request: Unsupported protocol version: ${version} (supported versions: ${
        SUPPORTED_PROTOCOL_VERSIONS.join(", ")
      })`,
    );
  }
  return undefined;
}

/** Parses a POST body into JSON-RPC messages, or the JSON-RPC error response to send instead. */
export function parsePostBody(body: string): McpPost | Response {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return jsonRpcError(400, -32700, "Parse error: Invalid JSON");
  }
  const batch = Array.isArray(raw);
  const items = batch ? raw as unknown[] : [raw];
  if (batch && items.length > MAX_BATCH_SIZE) {
    return jsonRpcError(400, -32600, `Invalid Request: Batch must not exceed ${MAX_BATCH_SIZE} messages`);
  }
  const messages: JSONRPCMessage[] = [];
  for (const item of items) {
    const parsed = JSONRPCMessageSchema.safeParse(item);
    if (!parsed.success) return jsonRpcError(400, -32700, "Parse error: Invalid JSON-RPC message");
    messages.push(parsed.data);
  }
  const ids = messages.filter((m) => "method" in m && "id" in m).map((m) => (m as { id: unknown }).id);
  if (new Set(ids).size !== ids.length) {
    return jsonRpcError(400, -32600, "Invalid Request: duplicate request ids in one batch");
  }
  return { messages, batch };
}

/** The HTTP response for the server's JSON-RPC responses to one POST. */
export function postResponse(responses: JSONRPCMessage[], batch: boolean): Response {
  if (responses.length === 0) return new Response(null, { status: 202 });
  const body = batch ? responses : responses[0];
  return new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
}
