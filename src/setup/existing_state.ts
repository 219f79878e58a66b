/**
 * Finding what a previous run left: the Server app by the `AZURE_CLIENT_ID` in `.env` (else by exact
 * display name), the Client app by exact display name, their service principals, Microsoft Graph's
 * service principal, and the tenant-wide consent grant. Reads only.
 */
import { AmbiguousApplicationError } from "./errors.ts";
import type { GraphApi } from "./graph_api.ts";
import type { Application, ServicePrincipal } from "./graph_types.ts";
import type { ExistingState } from "./plan.ts";
import { GRAPH_APP_ID } from "./registration_spec.ts";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What {@linkcode findExisting} found, plus Graph's service principal. */
export interface FoundState extends ExistingState {
  graphServicePrincipal: ServicePrincipal;
}

/** Options for {@linkcode findExisting}. */
export interface FindOptions {
  serverName: string;
  clientName: string;
  /** The values in `.env`. */
  envValues: Record<string, string>;
  /** Progress lines. */
  note: (line: string) => void;
}

/** Looks the registrations up. Throws {@linkcode AmbiguousApplicationError} for duplicate names. */
export async function findExisting(graph: GraphApi, options: FindOptions): Promise<FoundState> {
  const graphServicePrincipal = await graph.getServicePrincipalByAppId(GRAPH_APP_ID);
  if (!graphServicePrincipal) {
    throw new Error(`The tenant has no service principal for Microsoft Graph (${GRAPH_APP_ID}).`);
  }
  let server: Application | undefined;
  const envClientId = options.envValues.AZURE_CLIENT_ID?.trim();
  if (envClientId && GUID.test(envClientId)) {
    server = await graph.getApplicationByAppId(envClientId);
    if (!server) {
      options.note(`AZURE_CLIENT_ID ${envClientId} in .env is not in this tenant; looking up by name.`);
    }
  }
  server ??= await findByName(graph, options.serverName);
  const client = await findByName(graph, options.clientName);
  const serverServicePrincipal = server && await graph.getServicePrincipalByAppId(server.appId);
  const clientServicePrincipal = client && await graph.getServicePrincipalByAppId(client.appId);
  const grants = serverServicePrincipal
    ? await graph.findAllPrincipalsGrants(serverServicePrincipal.id, graphServicePrincipal.id)
    : [];
  return {
    server,
    serverServicePrincipal,
    client,
    clientServicePrincipal,
    grants,
    envValues: options.envValues,
    graphServicePrincipal,
  };
}

async function findByName(graph: GraphApi, displayName: string): Promise<Application | undefined> {
  const found = await graph.findApplicationsByName(displayName);
  if (found.length > 1) throw new AmbiguousApplicationError(displayName, found.map((a) => a.appId));
  return found[0];
}
