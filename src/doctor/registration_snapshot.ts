/** `doctor --registration`: reads the Server app, its pre-authorized clients and its consent grant (reads only). */
import type { GraphApi } from "../setup/graph_api.ts";
import type { Application, PermissionGrant, ServicePrincipal } from "../setup/graph_types.ts";
import { GRAPH_APP_ID } from "../setup/registration_spec.ts";

/** What the tenant has for one Server app. */
export interface RegistrationSnapshot {
  server?: Application;
  serverServicePrincipal?: ServicePrincipal;
  /** `AllPrincipals` grants of the Server app's service principal on Microsoft Graph. */
  grants: PermissionGrant[];
  /** The pre-authorized clients, with their registration when it is in this tenant. */
  clients: Array<{ appId: string; app?: Application }>;
}

/** Reads the registration of the Server app `clientId`. */
export async function readRegistration(graph: GraphApi, clientId: string): Promise<RegistrationSnapshot> {
  const server = await graph.getApplicationByAppId(clientId);
  if (!server) return { grants: [], clients: [] };
  const [serverServicePrincipal, graphServicePrincipal] = await Promise.all([
    graph.getServicePrincipalByAppId(server.appId),
    graph.getServicePrincipalByAppId(GRAPH_APP_ID),
  ]);
  const grants = serverServicePrincipal && graphServicePrincipal
    ? await graph.findAllPrincipalsGrants(serverServicePrincipal.id, graphServicePrincipal.id)
    : [];
  const clients = await Promise.all(
    server.api.preAuthorizedApplications.map(async (p) => ({
      appId: p.appId,
      // A client registered in another tenant is not readable here.
      app: await graph.getApplicationByAppId(p.appId),
    })),
  );
  return { server, serverServicePrincipal, grants, clients };
}
