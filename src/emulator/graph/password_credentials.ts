/**
 * `POST /applications/{id}/addPassword` and `…/removePassword`. The generated secret is returned once, in
 * the `addPassword` response; afterwards Graph only shows its first three characters (`hint`).
 */
import { z } from "zod";
import type { PasswordCredentialRecord } from "../directory.ts";
import type { Route } from "../router.ts";
import { APPLICATION_PATHS } from "./applications.ts";
import { invalidPropertyValue } from "./directory_errors.ts";
import { requireApplication } from "./directory_lookup.ts";
import { GraphError } from "./graph_errors.ts";
import { graphJson, graphNoContent, odataContext } from "./graph_response.ts";
import { graphRoute } from "./graph_route.ts";
import { graphDateTime } from "./key_credentials.ts";
import { PERMISSIONS, requirePermission } from "./permissions.ts";
import { parseBody, readJsonObject } from "./request_body.ts";
import { guid, isoDateTime } from "./schema_parts.ts";

const addPasswordInput = z.strictObject({
  passwordCredential: z.strictObject({
    displayName: z.string().nullable().optional(),
    startDateTime: isoDateTime.nullable().optional(),
    endDateTime: isoDateTime.nullable().optional(),
  }).optional(),
});

const removePasswordInput = z.strictObject({ keyId: guid });

const SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~._-";

/**
 * A new client secret in Entra's current format: 40 characters, three random ones, the `8Q~` marker
 * (which is how secret scanners recognise Entra secrets), then 34 random ones.
 */
export function newClientSecret(): string {
  const random = (count: number) =>
    Array.from(
      crypto.getRandomValues(new Uint8Array(count)),
      (b) => SECRET_ALPHABET[b % SECRET_ALPHABET.length],
    )
      .join("");
  return `${random(3)}8Q~${random(34)}`;
}

/** The password credential routes (by object ID and by `appId` alternate key). */
export function passwordCredentialRoutes(): Route[] {
  return APPLICATION_PATHS.flatMap((base) => [
    graphRoute(`POST ${base}/addPassword`, async (request, context) => {
      requirePermission(context.caller, PERMISSIONS.applicationWrite, { adminOnly: true });
      const app = requireApplication(context.state.directory, context.params);
      const input = parseBody(addPasswordInput, await readJsonObject(request, { allowEmpty: true }), {
        resource: "PasswordCredential",
      });
      const requested = input.passwordCredential ?? {};
      const start = requested.startDateTime ? new Date(requested.startDateTime) : new Date();
      const end = requested.endDateTime ? new Date(requested.endDateTime) : twoYearsAfter(start);
      if (end <= start) throw invalidPropertyValue("endDateTime", "PasswordCredential");
      const secretText = newClientSecret();
      const credential: PasswordCredentialRecord = {
        customKeyIdentifier: null,
        displayName: requested.displayName ?? null,
        endDateTime: graphDateTime(end),
        hint: secretText.slice(0, 3),
        keyId: crypto.randomUUID(),
        startDateTime: graphDateTime(start),
        secretText,
      };
      app.passwordCredentials.push(credential);
      // The only response that ever carries the secret.
      return graphJson(request, {
        "@odata.context": odataContext(context.state.baseUrl, "microsoft.graph.passwordCredential"),
        ...credential,
      });
    }),
    graphRoute(`POST ${base}/removePassword`, async (request, context) => {
      requirePermission(context.caller, PERMISSIONS.applicationWrite, { adminOnly: true });
      const app = requireApplication(context.state.directory, context.params);
      const { keyId } = parseBody(removePasswordInput, await readJsonObject(request), {
        resource: "PasswordCredential",
      });
      const index = app.passwordCredentials.findIndex((c) => c.keyId.toLowerCase() === keyId.toLowerCase());
      if (index < 0) {
        throw new GraphError(
          404,
          "Request_ResourceNotFound",
          `No password credential found with keyId '${keyId}'.`,
        );
      }
      app.passwordCredentials.splice(index, 1);
      return graphNoContent(request);
    }),
  ]);
}

function twoYearsAfter(start: Date): Date {
  const end = new Date(start);
  end.setUTCFullYear(end.getUTCFullYear() + 2);
  return end;
}
