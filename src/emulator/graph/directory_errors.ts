/** The errors Graph's directory workload (users, applications, service principals, grants) answers with. */
import { GraphError } from "./graph_errors.ts";

/** 404 `Request_ResourceNotFound` for an object that does not exist (or has not replicated yet). */
export function resourceNotFound(id: string): GraphError {
  return new GraphError(
    404,
    "Request_ResourceNotFound",
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

/** 400 `Request_BadRequest` with a message. */
export function badRequest(
  message: string,
  options: ConstructorParameters<typeof GraphError>[3] = {},
): GraphError {
  return new GraphError(400, "Request_BadRequest", message, options);
}

/** 400 for a property value Graph refuses. */
export function invalidPropertyValue(property: string, resource: string): GraphError {
  return badRequest(`Invalid value specified for property '${property}' of resource '${resource}'.`);
}

/** 400 for a `$select` naming a property the directory type lacks. */
export function unknownDirectoryProperty(name: string, type: string): GraphError {
  return badRequest(
    `Parsing OData Select and Expand failed: Could not find a property named '${name}' on type 'microsoft.graph.${type}'.`,
  );
}
