/**
 * `/v1.0/applications`: list with `$filter`/`$select`/`$top`, create (visible to reads only after the
 * replication delay), get/update/delete by object ID or `appId` alternate key.
 */
import type { ApplicationRecord } from "../directory.ts";
import type { Route } from "../router.ts";
import { newApplication } from "../seed.ts";
import { invalidPropertyValue } from "./directory_errors.ts";
import { requireApplication, visibleApplications } from "./directory_lookup.ts";
import { directoryEntityResponse, directoryListResponse, type DirectoryType } from "./directory_query.ts";
import { graphNoContent } from "./graph_response.ts";
import { graphRoute } from "./graph_route.ts";
import { graphDateTime } from "./key_credentials.ts";
import { parseApplicationInput, updatedApplication } from "./application_update.ts";
import { PERMISSIONS, requirePermission } from "./permissions.ts";
import { readJsonObject } from "./request_body.ts";
import { syncServicePrincipal } from "./service_principals.ts";
import { applicationView } from "./views.ts";

/** How applications are listed, filtered and selected. */
export const APPLICATION_TYPE: DirectoryType<ApplicationRecord> = {
  entitySet: "applications",
  typeName: "application",
  filterResource: "Application",
  filterFields: {
    id: { read: (app) => app.id, operations: ["eq"] },
    appId: { read: (app) => app.appId, operations: ["eq"] },
    displayName: { read: (app) => app.displayName, operations: ["eq", "startswith"] },
    identifierUris: { read: (app) => app.identifierUris, operations: ["any"] },
    signInAudience: { read: (app) => app.signInAudience, operations: ["eq"] },
  },
  properties: Object.keys(applicationView(newApplication({ id: "", appId: "", displayName: "" }))),
  view: applicationView,
};

/** Paths naming one application: by object ID, or by the `appId` alternate key. */
export const APPLICATION_PATHS = ["/v1.0/applications/:id", "/v1.0/applications\\(:alternateKey\\)"];

/** The application routes. */
export function applicationRoutes(): Route[] {
  return [
    graphRoute("GET /v1.0/applications", (request, context) => {
      requirePermission(context.caller, PERMISSIONS.applicationRead);
      return directoryListResponse(request, context, {
        type: APPLICATION_TYPE,
        items: visibleApplications(context.state.directory),
      });
    }),
    graphRoute("POST /v1.0/applications", async (request, context) => {
      requirePermission(context.caller, PERMISSIONS.applicationWrite, { adminOnly: true });
      const input = parseApplicationInput(await readJsonObject(request));
      if (input.displayName === undefined) throw invalidPropertyValue("displayName", "Application");
      const { directory, settings } = context.state;
      const draft = newApplication({
        id: crypto.randomUUID(),
        appId: crypto.randomUUID(),
        displayName: input.displayName,
      });
      // Graph's default audience for a new application (GDOCS application-post-applications example).
      draft.signInAudience = "AzureADandPersonalMicrosoftAccount";
      draft.createdDateTime = graphDateTime(new Date());
      const app = await updatedApplication(draft, input, { directory });
      app.replicatedAtMs = Date.now() + settings.replicationDelayMs;
      directory.applications.push(app);
      return directoryEntityResponse(request, context, { type: APPLICATION_TYPE, item: app, status: 201 });
    }),
    ...APPLICATION_PATHS.flatMap((path) => [
      graphRoute(`GET ${path}`, (request, context) => {
        requirePermission(context.caller, PERMISSIONS.applicationRead);
        const app = requireApplication(context.state.directory, context.params);
        return directoryEntityResponse(request, context, { type: APPLICATION_TYPE, item: app });
      }),
      graphRoute(`PATCH ${path}`, async (request, context) => {
        requirePermission(context.caller, PERMISSIONS.applicationWrite, { adminOnly: true });
        const { directory } = context.state;
        const app = requireApplication(directory, context.params);
        const input = parseApplicationInput(await readJsonObject(request));
        Object.assign(app, await updatedApplication(app, input, { directory }));
        syncServicePrincipal(directory, app);
        return graphNoContent(request);
      }),
      graphRoute(`DELETE ${path}`, (request, context) => {
        requirePermission(context.caller, PERMISSIONS.applicationWrite, { adminOnly: true });
        const { directory } = context.state;
        const app = requireApplication(directory, context.params);
        // Deleting an app registration also deletes its service principal in the home tenant, and with
        // it the permission grants that name it.
        const sp = directory.servicePrincipals.find((s) => s.appId === app.appId);
        directory.applications = directory.applications.filter((a) => a !== app);
        if (sp) {
          directory.servicePrincipals = directory.servicePrincipals.filter((s) => s !== sp);
          directory.permissionGrants = directory.permissionGrants.filter((g) =>
            g.clientId !== sp.id && g.resourceId !== sp.id
          );
        }
        return graphNoContent(request);
      }),
    ]),
  ];
}
