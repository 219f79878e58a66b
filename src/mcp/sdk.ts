/**
 * The parts of `@modelcontextprotocol/sdk` the server uses, re-exported with their type declarations.
 * The SDK's `./*` export maps `x.js` to the type file `x.js.d.ts`, which does not exist, so without the
 * `@ts-types` hints every SDK type silently becomes `any` under Deno.
 */
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
export { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
// @ts-types="@modelcontextprotocol/sdk/server/webStandardStreamableHttp"
export { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
export type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types";
export type { CallToolResult } from "@modelcontextprotocol/sdk/types";
// @ts-types="@modelcontextprotocol/sdk/types"
export {
  JSONRPCMessageSchema,
  ListToolsRequestSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
} from "@modelcontextprotocol/sdk/types.js";
export type { JSONRPCMessage, MessageExtraInfo, RequestId } from "@modelcontextprotocol/sdk/types";
export type { Transport } from "@modelcontextprotocol/sdk/shared/transport";
