/** `GET /v1.0/me` and `GET /v1.0/users/{id | userPrincipalName}` with the user's default property set. */
import { findUser } from "../directory.ts";
import type { Route } from "../router.ts";
import { resourceNotFound } from "./directory_errors.ts";
import { GraphError } from "./graph_errors.ts";
import { graphJson, odataContext } from "./graph_response.ts";
import { type GraphContext, graphRoute } from "./graph_route.ts";
import { pick, readSelect, rejectUnsupportedOptions } from "./odata.ts";
import { PERMISSIONS, requirePermission, requireSignedInUser } from "./permissions.ts";
import { userView } from "./views.ts";

const USER_PROPERTIES = Object.keys(
  userView({
    id: "",
    userPrincipalName: "",
    displayName: "",
    givenName: null,
    surname: null,
    mail: null,
    jobTitle: null,
    officeLocation: null,
    mobilePhone: null,
    businessPhones: [],
    preferredLanguage: null,
    admin: false,
    junkEmail: [],
  }),
);

/** The user routes. */
export function userRoutes(): Route[] {
  return [
    graphRoute("GET /v1.0/me", (request, context) => {
      const userId = requireSignedInUser(context.caller);
      requirePermission(context.caller, PERMISSIONS.userReadSelf);
      return respondWithUser(request, context, userId);
    }),
    graphRoute("GET /v1.0/users/:id", (request, context) => {
      const wanted = decodeURIComponent(context.params.id ?? "");
      const self = context.caller.userId !== undefined &&
        findUser(context.state.directory, wanted)?.id === context.caller.userId;
      // Reading your own object by id needs no more than /me does; anyone else needs a tenant-wide permission.
      requirePermission(context.caller, self ? PERMISSIONS.userReadSelf : PERMISSIONS.userReadOthers);
      return respondWithUser(request, context, wanted);
    }),
  ];
}

function respondWithUser(request: Request, context: GraphContext, idOrUpn: string): Response {
  rejectUnsupportedOptions(context.url, ["$select"]);
  const select = readSelect(context.url, USER_PROPERTIES, {
    unknown: (name) =>
      new GraphError(
        400,
        "BadRequest",
        `Could not find a property named '${name}' on type 'microsoft.graph.user'.`,
      ),
  });
  const user = findUser(context.state.directory, idOrUpn);
  if (!user) throw resourceNotFound(idOrUpn);
  const view = userView(user);
  const entitySet = select ? `users(${select.join(",")})` : "users";
  return graphJson(request, {
    "@odata.context": odataContext(context.state.baseUrl, `${entitySet}/$entity`),
    ...(select ? pick(view, select) : view),
  });
}
