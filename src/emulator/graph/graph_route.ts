/** Declaring a Graph route: counted under `graph:{METHOD} {path}`, faults applied, caller authenticated. */
import { graphKey, type Route, route, type RouteContext } from "../router.ts";
import { authenticateGraphRequest, type GraphCaller } from "./graph_auth.ts";

/** What a Graph handler gets: the route context plus the authenticated caller. */
export interface GraphContext extends RouteContext {
  caller: GraphCaller;
}

/** A Graph request handler; throws `GraphError` to answer with an error. */
export type GraphHandler = (request: Request, context: GraphContext) => Response | Promise<Response>;

/**
 * A Graph route whose handler only runs for a request with a valid Graph token. `endpoint` reads like the
 * stats key, method then pathname pattern: `"GET /v1.0/me"`.
 */
export function graphRoute(endpoint: string, handle: GraphHandler): Route {
  const [method, pathname] = endpoint.split(" ");
  return route(method, pathname, "graph", async (request, context) => {
    const caller = await authenticateGraphRequest(request, context.state);
    return await handle(request, { ...context, caller });
  }, graphKey);
}
