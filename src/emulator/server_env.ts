/** The MCP server's environment for a running emulator: what `demo`, tests and the benchmark configure. */
import type { EmulatorConfig } from "./mod.ts";

/** Server settings (as environment variables) that point at the emulator's tenant, Entra and Graph. */
export function serverEnvironmentFor(
  emulator: EmulatorConfig,
  listen: { baseUrl: string; host?: string; port?: number },
): Record<string, string> {
  const env: Record<string, string> = {
    AZURE_TENANT_ID: emulator.tenantId,
    AZURE_CLIENT_ID: emulator.server.clientId,
    AZURE_CLIENT_SECRET: emulator.server.clientSecret,
    AZURE_AUTHORITY_HOST: emulator.authority,
    GRAPH_BASE_URL: emulator.graph,
    BASE_URL: listen.baseUrl,
  };
  if (listen.host !== undefined) env.HOST = listen.host;
  if (listen.port !== undefined) env.PORT = String(listen.port);
  return env;
}
