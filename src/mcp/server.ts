/**
 * The MCP server: tool registrations, and a pool of server instances so a request does not rebuild them.
 * Stateless Streamable HTTP needs a fresh transport per request, but an `McpServer` can be reconnected
 * once its previous transport closed; the pool lends each instance to one request at a time.
 */
import { type AuthInfo, McpServer, WebStandardStreamableHTTPServerTransport } from "./sdk.ts";
import { VERSION } from "../version.ts";
import type { GraphAccess } from "./graph_access.ts";
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
  return server;
}

/** Lends MCP server instances to requests, one request per instance at a time. */
export class McpServerPool {
  readonly #idle: McpServer[] = [];
  readonly #create: () => McpServer;
  readonly #maxIdle: number;

  constructor(create: () => McpServer, options: { maxIdle?: number } = {}) {
    this.#create = create;
    this.#maxIdle = options.maxIdle ?? 64;
  }

  /** Handles one Streamable HTTP request (stateless, JSON responses) with a pooled server. */
  async handle(request: Request, options: { parsedBody: unknown; authInfo: AuthInfo }): Promise<Response> {
    const server = this.#idle.pop() ?? this.#create();
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    try {
      await server.connect(transport);
      return await transport.handleRequest(request, options);
    } finally {
      // Closing detaches the transport so the instance can serve the next request.
      await server.close();
      if (this.#idle.length < this.#maxIdle) this.#idle.push(server);
    }
  }
}
