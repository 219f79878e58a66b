/**
 * `/v1.0/applications/{id}/federatedIdentityCredentials`: trust in an external identity provider's tokens
 * (workload identity federation). Graph limits an application to 20, with unique names and unique
 * issuer/subject pairs, and a single audience each.
 */
import { z } from "zod";
import type { ApplicationRecord, FederatedIdentityCredentialRecord } from "../directory.ts";
import type { Route } from "../router.ts";
import { APPLICATION_PATHS } from "./applications.ts";
import { badRequest, resourceNotFound } from "./directory_errors.ts";
import { requireApplication } from "./directory_lookup.ts";
import { directoryEntityResponse, directoryListResponse, type DirectoryType } from "./directory_query.ts";
import { GraphError } from "./graph_errors.ts";
import { graphNoContent } from "./graph_response.ts";
import { graphRoute } from "./graph_route.ts";
import { PERMISSIONS, requirePermission } from "./permissions.ts";
import { parseBody, readJsonObject } from "./request_body.ts";
import { federatedCredentialView } from "./views.ts";

const MAX_CREDENTIALS = 20;

const credentialInput = z.strictObject({
  name: z.string().min(3).max(120).regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/),
  issuer: z.string().max(600).refine((text) => URL.parse(text)?.protocol === "https:"),
  subject: z.string().min(1).max(600),
  audiences: z.array(z.string().min(1).max(600)).length(1),
  description: z.string().max(600).nullable().optional(),
});

function credentialType(app: ApplicationRecord): DirectoryType<FederatedIdentityCredentialRecord> {
  return {
    entitySet: `applications('${app.id}')/federatedIdentityCredentials`,
    typeName: "federatedIdentityCredential",
    filterResource: "FederatedIdentityCredential",
    filterFields: {
      name: { read: (c) => c.name, operations: ["eq"] },
      subject: { read: (c) => c.subject, operations: ["eq"] },
      issuer: { read: (c) => c.issuer, operations: ["eq"] },
    },
    properties: CREDENTIAL_PROPERTIES,
    view: federatedCredentialView,
  };
}

const CREDENTIAL_PROPERTIES = Object.keys(
  federatedCredentialView({ id: "", name: "", issuer: "", subject: "", audiences: [], description: null }),
);

/** The federated identity credential routes. */
export function federatedCredentialRoutes(): Route[] {
  return APPLICATION_PATHS.flatMap((base) => [
    graphRoute(`GET ${base}/federatedIdentityCredentials`, (request, context) => {
      requirePermission(context.caller, PERMISSIONS.applicationRead);
      const app = requireApplication(context.state.directory, context.params);
      return directoryListResponse(request, context, {
        type: credentialType(app),
        items: app.federatedIdentityCredentials,
      });
    }),
    graphRoute(`POST ${base}/federatedIdentityCredentials`, async (request, context) => {
      requirePermission(context.caller, PERMISSIONS.applicationWrite, { adminOnly: true });
      const app = requireApplication(context.state.directory, context.params);
      const input = parseBody(credentialInput, await readJsonObject(request), {
        resource: "FederatedIdentityCredential",
      });
      const existing = app.federatedIdentityCredentials;
      if (existing.length >= MAX_CREDENTIALS) {
        throw badRequest(
          `An application can have at most ${MAX_CREDENTIALS} federated identity credentials.`,
        );
      }
      if (existing.some((c) => c.name.toLowerCase() === input.name.toLowerCase())) {
        throw conflict(`FederatedIdentityCredential with name ${input.name} already exists.`);
      }
      if (existing.some((c) => c.issuer === input.issuer && c.subject === input.subject)) {
        throw conflict("FederatedIdentityCredential with the same issuer and subject already exists.");
      }
      const credential: FederatedIdentityCredentialRecord = {
        id: crypto.randomUUID(),
        name: input.name,
        issuer: input.issuer,
        subject: input.subject,
        audiences: input.audiences,
        description: input.description ?? null,
      };
      existing.push(credential);
      return directoryEntityResponse(request, context, {
        type: credentialType(app),
        item: credential,
        status: 201,
      });
    }),
    graphRoute(`GET ${base}/federatedIdentityCredentials/:credentialId`, (request, context) => {
      requirePermission(context.caller, PERMISSIONS.applicationRead);
      const app = requireApplication(context.state.directory, context.params);
      const credential = requireCredential(app, context.params.credentialId);
      return directoryEntityResponse(request, context, { type: credentialType(app), item: credential });
    }),
    graphRoute(`DELETE ${base}/federatedIdentityCredentials/:credentialId`, (request, context) => {
      requirePermission(context.caller, PERMISSIONS.applicationWrite, { adminOnly: true });
      const app = requireApplication(context.state.directory, context.params);
      const credential = requireCredential(app, context.params.credentialId);
      app.federatedIdentityCredentials = app.federatedIdentityCredentials.filter((c) => c !== credential);
      return graphNoContent(request);
    }),
  ]);
}

function requireCredential(
  app: ApplicationRecord,
  rawId: string | undefined,
): FederatedIdentityCredentialRecord {
  const id = decodeURIComponent(rawId ?? "");
  const credential = app.federatedIdentityCredentials.find((c) => c.id === id);
  if (!credential) throw resourceNotFound(id);
  return credential;
}

function conflict(message: string): GraphError {
  return new GraphError(409, "Request_MultipleObjectsWithSameKeyValue", message);
}
