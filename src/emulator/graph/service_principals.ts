/**
 * `/v1.0/servicePrincipals`: list with `$filter`, get by object ID or `appId` alternate key, and create
 * for a replicated application of this tenant (one per appId). A service principal mirrors its local
 * application's names and scopes, so app updates are copied over (`syncServicePrincipal`).
 */
import { z } from "zod";
import {
  type ApplicationRecord,
  type Directory,
  findApplicationByAppId,
  findServicePrincipalByAppId,
  type ServicePrincipalRecord,
} from "../directory.ts";
import type { Route } from "../router.ts";
import type { EmulatorState } from "../state.ts";
import { badRequest } from "./directory_errors.ts";
import { isReplicated, requireServicePrincipal, visibleServicePrincipals } from "./directory_lookup.ts";
import { directoryEntityResponse, directoryListResponse, type DirectoryType } from "./directory_query.ts";
import { GraphError } from "./graph_errors.ts";
import { graphRoute } from "./graph_route.ts";
import { PERMISSIONS, requirePermission } from "./permissions.ts";
import { parseBody, readJsonObject } from "./request_body.ts";
import { guid } from "./schema_parts.ts";
import { servicePrincipalView } from "./views.ts";

/** A service principal as the directory type `$filter`/`$select` work on; the view needs the directory. */
function servicePrincipalType(directory: Directory): DirectoryType<ServicePrincipalRecord> {
  return {
    entitySet: "servicePrincipals",
    typeName: "servicePrincipal",
    filterResource: "ServicePrincipal",
    filterFields: {
      id: { read: (sp) => sp.id, operations: ["eq"] },
      appId: { read: (sp) => sp.appId, operations: ["eq"] },
      displayName: { read: (sp) => sp.displayName, operations: ["eq", "startswith"] },
      servicePrincipalNames: { read: (sp) => sp.servicePrincipalNames, operations: ["any"] },
    },
    properties: SERVICE_PRINCIPAL_PROPERTIES,
    view: (sp) => servicePrincipalView(sp, findApplicationByAppId(directory, sp.appId)),
  };
}

const SERVICE_PRINCIPAL_PROPERTIES = Object.keys(servicePrincipalView({
  id: "",
  appId: "",
  displayName: "",
  servicePrincipalNames: [],
  oauth2PermissionScopes: [],
  appOwnerOrganizationId: null,
  servicePrincipalType: "Application",
  accountEnabled: true,
  replicatedAtMs: 0,
}, undefined));

const createServicePrincipalInput = z.strictObject({ appId: guid, accountEnabled: z.boolean().optional() });

/** Copies an application's display name, identifier URIs and scopes to its service principal, if any. */
export function syncServicePrincipal(directory: Directory, app: ApplicationRecord): void {
  const sp = findServicePrincipalByAppId(directory, app.appId);
  if (!sp) return;
  sp.displayName = app.displayName;
  sp.servicePrincipalNames = [app.appId, ...app.identifierUris];
  sp.oauth2PermissionScopes = structuredClone(app.api.oauth2PermissionScopes);
}

/** The service principal routes. */
export function servicePrincipalRoutes(): Route[] {
  return [
    graphRoute("GET /v1.0/servicePrincipals", (request, context) => {
      requirePermission(context.caller, PERMISSIONS.applicationRead);
      const { directory } = context.state;
      return directoryListResponse(request, context, {
        type: servicePrincipalType(directory),
        items: visibleServicePrincipals(directory),
      });
    }),
    graphRoute("POST /v1.0/servicePrincipals", async (request, context) => {
      requirePermission(context.caller, PERMISSIONS.applicationWrite, { adminOnly: true });
      const input = parseBody(createServicePrincipalInput, await readJsonObject(request), {
        resource: "ServicePrincipal",
      });
      const sp = createServicePrincipal(context.state, input);
      return directoryEntityResponse(request, context, {
        type: servicePrincipalType(context.state.directory),
        item: sp,
        status: 201,
      });
    }),
    ...[
      "/v1.0/servicePrincipals/:id",
      "/v1.0/servicePrincipals\\(:alternateKey\\)",
    ].map((path) =>
      graphRoute(`GET ${path}`, (request, context) => {
        requirePermission(context.caller, PERMISSIONS.applicationRead);
        const { directory } = context.state;
        return directoryEntityResponse(request, context, {
          type: servicePrincipalType(directory),
          item: requireServicePrincipal(directory, context.params),
        });
      })
    ),
  ];
}

function createServicePrincipal(
  state: EmulatorState,
  input: z.infer<typeof createServicePrincipalInput>,
): ServicePrincipalRecord {
  const { directory } = state;
  const appId = input.appId.toLowerCase();
  // Uniqueness is enforced on write, so it sees service principals that have not replicated yet.
  if (findServicePrincipalByAppId(directory, appId)) {
    throw new GraphError(
      409,
      "Request_MultipleObjectsWithSameKeyValue",
      `The service principal cannot be created, updated, or restored because the service principal name ${appId} is already in use.`,
    );
  }
  const app = findApplicationByAppId(directory, appId);
  if (!app || !isReplicated(app)) {
    const message =
      `The appId '${input.appId}' of the service principal does not reference a valid application object.`;
    throw badRequest(message, {
      details: [{ code: "NoBackingApplicationObject", message, target: "appId" }],
    });
  }
  const sp: ServicePrincipalRecord = {
    id: crypto.randomUUID(),
    appId: app.appId,
    displayName: app.displayName,
    servicePrincipalNames: [app.appId, ...app.identifierUris],
    oauth2PermissionScopes: structuredClone(app.api.oauth2PermissionScopes),
    appOwnerOrganizationId: directory.tenantId,
    servicePrincipalType: "Application",
    accountEnabled: input.accountEnabled ?? true,
    replicatedAtMs: Date.now() + state.settings.replicationDelayMs,
  };
  directory.servicePrincipals.push(sp);
  return sp;
}
