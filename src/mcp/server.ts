/**
 * The MCP server: tool registrations, and a pool of connected server instances so a request neither
 * rebuilds tools nor reconnects a transport. Each instance serves one HTTP request at a time, so JSON-RPC
 * ids of different clients never meet in one protocol instance.
 */
import { VERSION } from "../version.ts";
import type { GraphAccess } from "./graph_access.ts";
import { JsonResponseTransport } from "./json_response_transport.ts";
import { type AuthInfo, type JSONRPCMessage, ListToolsRequestSchema, McpServer } from "./sdk.ts";
import type { FailureDependencies } from "./tool_failures.ts";
import { registerHelloTool } from "./tools/hello.ts";
import { registerListJunkEmailsTool } from "./tools/list_junk_emails.ts";

/** What the tools need. */
export type ToolDependencies = GraphAccess & FailureDependencies;

/** Builds an MCP server with this project's tools. */
export function createMcpServer(dependencies: ToolDependencies): McpServer {
  const server = new McpServer({ name: "entra-obo-mcp", version: VERSION }, {
    capabilities: { tools: {} },
    instructions: "Tools that read Microsoft 365 data of the signed-in user through Microsoft Graph.",
  });
  registerHelloTool(server, dependencies);
  registerListJunkEmailsTool(server, dependencies);
  memoizeToolList(server);
  return server;
}

/**
 * The SDK's `tools/list` handler converts every tool's zod schemas to JSON Schema on each request (a fifth
 * of a warm `tools/list` in the benchmark). The tools are fixed once registered, so each instance answers
 * from its first result, after the same request validation the SDK does. This reaches into the SDK's
 * handler map; if that is ever missing, the SDK's handler stays in place.
 */
function memoizeToolList(server: McpServer): void {
  type Handler = (request: unknown, extra: unknown) => Promise<unknown>;
  const handlers = (server.server as unknown as { _requestHandlers?: unknown })._requestHandlers;
  if (!(handlers instanceof Map)) return;
  const list = handlers.get("tools/list") as Handler | undefined;
  if (!list) return;
  let result: Promise<unknown> | undefined;
  const memoized: Handler = (request, extra) => {
    if (result === undefined) {
      result = list(request, extra);
      result.catch(() => result = undefined);
      return result;
    }
    ListToolsRequestSchema.parse(request);
    return result;
  };
  handlers.set("tools/list", memoized);
}

interface PooledServer {
  server: McpServer;
  transport: JsonResponseTransport;
}

/** Lends connected MCP server instances to requests, one request per instance at a time. */
export class McpServerPool {
  readonly #idle: PooledServer[] = [];
  readonly #create: () => McpServer;
  readonly #maxIdle: number;

  constructor(create: () => McpServer, options: { maxIdle?: number } = {}) {
    this.#create = create;
    this.#maxIdle = options.maxIdle ?? 64;
  }

  /** Runs one HTTP request's JSON-RPC messages through a pooled server and returns the responses. */
  async exchange(messages: JSONRPCMessage[], authInfo: AuthInfo): Promise<JSONRPCMessage[]> {
    const pooled = this.#idle.pop() ?? await this.#connect();
    try {
      return await pooled.transport.exchange(messages, { authInfo });
    } finally {
      if (this.#idle.length < this.#maxIdle) this.#idle.push(pooled);
      else await pooled.server.close();
    }
  }

  async #connect(): Promise<PooledServer> {
    const server = this.#create();
    const transport = new JsonResponseTransport();
    await server.connect(transport);
    return { server, transport };
  }
}
