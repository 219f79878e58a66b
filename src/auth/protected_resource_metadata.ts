/** OAuth 2.0 Protected Resource Metadata (RFC 9728) for the MCP endpoint. */
import { authorizationServer, mcpResourceUrl, requiredScope, type ServerConfig } from "../config/mod.ts";

/** The RFC 9728 §2 document. */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported: string[];
  bearer_methods_supported: string[];
  resource_name: string;
}

/**
 * The metadata clients use to find Entra ID. `offline_access` is listed because gateways such as Obot
 * request exactly what is advertised, and without it Entra issues no refresh token.
 */
export function protectedResourceMetadata(config: ServerConfig): ProtectedResourceMetadata {
  return {
    resource: mcpResourceUrl(config),
    authorization_servers: [authorizationServer(config)],
    scopes_supported: [requiredScope(config), "offline_access"],
    bearer_methods_supported: ["header"],
    resource_name: "entra-obo-mcp: Microsoft Graph on behalf of the signed-in user",
  };
}
