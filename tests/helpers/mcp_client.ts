/** The MCP SDK client, with its type declarations (see `src/mcp/sdk.ts` for why the hints are needed). */
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

export { Client, StreamableHTTPClientTransport };

/** A connected SDK client that sends `token` as its bearer token. */
export async function connectClient(mcpUrl: string, token: string): Promise<Client> {
  const client = new Client({ name: "entra-obo-mcp-tests", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  return client;
}

/** The text of a tool result's first content item. */
export function textOf(result: unknown): string {
  const content = (result as { content: Array<{ type: string; text?: string }> }).content;
  return content[0]?.text ?? "";
}
