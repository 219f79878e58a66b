/**
 * `/v1.0/oauth2PermissionGrants`: delegated consent of a client service principal to a resource service
 * principal, for everyone (`AllPrincipals`) or one user (`Principal`). The identity endpoints read the
 * same records, so a change takes effect for the next token request.
 */
import { z } from "zod";
import { type Directory, findUser, permissionGrantId, type PermissionGrantRecord } from "../directory.ts";
import type { Route } from "../router.ts";
import { invalidPropertyValue, resourceNotFound } from "./directory_errors.ts";
import { visibleServicePrincipals } from "./directory_lookup.ts";
import { directoryEntityResponse, directoryListResponse, type DirectoryType } from "./directory_query.ts";
import { GraphError } from "./graph_errors.ts";
import { graphNoContent } from "./graph_response.ts";
import { graphRoute } from "./graph_route.ts";
import { PERMISSIONS, requirePermission } from "./permissions.ts";
import { parseBody, readJsonObject } from "./request_body.ts";
import { guid } from "./schema_parts.ts";
import { permissionGrantView } from "./views.ts";

const RESOURCE = "OAuth2PermissionGrant";

const GRANT_TYPE: DirectoryType<PermissionGrantRecord> = {
  entitySet: "oauth2PermissionGrants",
  typeName: "oAuth2PermissionGrant",
  filterResource: RESOURCE,
  filterFields: {
    id: { read: (g) => g.id, operations: ["eq"] },
    clientId: { read: (g) => g.clientId, operations: ["eq"] },
    resourceId: { read: (g) => g.resourceId, operations: ["eq"] },
    consentType: { read: (g) => g.consentType, operations: ["eq"] },
    principalId: { read: (g) => g.principalId, operations: ["eq"] },
  },
  properties: Object.keys(permissionGrantView({
    id: "",
    clientId: "",
    consentType: "AllPrincipals",
    principalId: null,
    resourceId: "",
    scope: "",
  })),
  view: permissionGrantView,
};

const createGrantInput = z.strictObject({
  clientId: guid,
  consentType: z.enum(["AllPrincipals", "Principal"]),
  principalId: guid.nullable().optional(),
  resourceId: guid,
  scope: z.string(),
});

const updateGrantInput = z.strictObject({ scope: z.string() });

/** The permission grant routes. */
export function permissionGrantRoutes(): Route[] {
  return [
    graphRoute("GET /v1.0/oauth2PermissionGrants", (request, context) => {
      requirePermission(context.caller, PERMISSIONS.grantRead);
      return directoryListResponse(request, context, {
        type: GRANT_TYPE,
        items: context.state.directory.permissionGrants,
      });
    }),
    graphRoute("POST /v1.0/oauth2PermissionGrants", async (request, context) => {
      requirePermission(context.caller, PERMISSIONS.grantWrite, { adminOnly: true });
      const { directory } = context.state;
      const input = parseBody(createGrantInput, await readJsonObject(request), { resource: RESOURCE });
      const clientId = input.clientId.toLowerCase();
      const resourceId = input.resourceId.toLowerCase();
      const principalId = input.principalId?.toLowerCase() ?? null;
      if (!visibleServicePrincipals(directory).some((sp) => sp.id === clientId)) {
        throw invalidPropertyValue("clientId", RESOURCE);
      }
      checkScope(directory, resourceId, input.scope);
      if (
        input.consentType === "Principal" ? !principalId || !findUser(directory, principalId) : principalId
      ) {
        throw invalidPropertyValue("principalId", RESOURCE);
      }
      const duplicate = directory.permissionGrants.some((g) =>
        g.clientId === clientId && g.resourceId === resourceId && g.consentType === input.consentType &&
        g.principalId === principalId
      );
      if (duplicate) {
        throw new GraphError(
          409,
          "Request_MultipleObjectsWithSameKeyValue",
          "Permission entry already exists.",
        );
      }
      const grant: PermissionGrantRecord = {
        id: permissionGrantId(clientId, resourceId, principalId),
        clientId,
        consentType: input.consentType,
        principalId,
        resourceId,
        scope: input.scope,
      };
      directory.permissionGrants.push(grant);
      return directoryEntityResponse(request, context, { type: GRANT_TYPE, item: grant, status: 201 });
    }),
    graphRoute("GET /v1.0/oauth2PermissionGrants/:id", (request, context) => {
      requirePermission(context.caller, PERMISSIONS.grantRead);
      const grant = requireGrant(context.state.directory, context.params.id);
      return directoryEntityResponse(request, context, { type: GRANT_TYPE, item: grant });
    }),
    graphRoute("PATCH /v1.0/oauth2PermissionGrants/:id", async (request, context) => {
      requirePermission(context.caller, PERMISSIONS.grantWrite, { adminOnly: true });
      const { directory } = context.state;
      const grant = requireGrant(directory, context.params.id);
      const { scope } = parseBody(updateGrantInput, await readJsonObject(request), { resource: RESOURCE });
      checkScope(directory, grant.resourceId, scope);
      grant.scope = scope;
      return graphNoContent(request);
    }),
    graphRoute("DELETE /v1.0/oauth2PermissionGrants/:id", (request, context) => {
      requirePermission(context.caller, PERMISSIONS.grantWrite, { adminOnly: true });
      const { directory } = context.state;
      const grant = requireGrant(directory, context.params.id);
      directory.permissionGrants = directory.permissionGrants.filter((g) => g !== grant);
      return graphNoContent(request);
    }),
  ];
}

function requireGrant(directory: Directory, rawId: string | undefined): PermissionGrantRecord {
  const id = decodeURIComponent(rawId ?? "");
  const grant = directory.permissionGrants.find((g) => g.id === id);
  if (!grant) throw resourceNotFound(id);
  return grant;
}

/** The resource must be a visible service principal and every scope one of its enabled delegated permissions. */
function checkScope(directory: Directory, resourceId: string, scope: string): void {
  const resource = visibleServicePrincipals(directory).find((sp) => sp.id === resourceId);
  if (!resource) throw invalidPropertyValue("resourceId", RESOURCE);
  const offered = new Set(
    resource.oauth2PermissionScopes.filter((s) => s.isEnabled).map((s) => s.value.toLowerCase()),
  );
  const unknown = scope.split(" ").filter((s) => s !== "" && !offered.has(s.toLowerCase()));
  if (unknown.length > 0) throw invalidPropertyValue("scope", RESOURCE);
}
