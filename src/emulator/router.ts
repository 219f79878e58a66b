/**
 * Request routing for the emulator: each route names a method set, a URL pattern, a stats key and which
 * service's error shape it speaks (Entra or Graph), so counting and fault injection work the same for all.
 */
import { EntraError, entraErrorResponse } from "./identity/entra_errors.ts";
import { GraphError, graphErrorResponse } from "./graph/graph_errors.ts";
import { countRequest, type EmulatorState, type Fault, takeFault } from "./state.ts";

/** What a route handler gets besides the request. */
export interface RouteContext {
  state: EmulatorState;
  url: URL;
  /** Named groups of the route's pathname pattern. */
  params: Record<string, string | undefined>;
  /**
   * Counts the request under `key` in `/_emulator/stats` and applies a pending fault for that key. Returns
   * the fault's response when the request must fail; `undefined` to carry on. Routes with a static `key`
   * are instrumented before the handler runs; handlers whose key depends on the body call this themselves.
   */
  instrument(key: string): Promise<Response | undefined>;
}

/** One route. */
export interface Route {
  methods: readonly string[];
  pattern: URLPattern;
  /** Error shape for faults and thrown errors. */
  service: "entra" | "graph" | "admin";
  /** Stats key, counted before the handler; omitted when the handler instruments itself. */
  key?: (request: Request, url: URL) => string;
  handle(request: Request, context: RouteContext): Response | Promise<Response>;
}

/** Shorthand for a route on a pathname pattern such as `/:tenant/discovery/v2.0/keys`. */
export function route(
  methods: string | readonly string[],
  pathname: string,
  service: Route["service"],
  handle: Route["handle"],
  key?: string | Route["key"],
): Route {
  return {
    methods: typeof methods === "string" ? [methods] : methods,
    // Graph resolves paths case-insensitively (`/v1.0/Me` works); Entra's paths are matched as written.
    pattern: new URLPattern({ pathname }, { ignoreCase: service === "graph" }),
    service,
    key: typeof key === "string" ? () => key : key,
    handle,
  };
}

/** Graph's stats key: method and path without the query string. */
export function graphKey(request: Request, url: URL): string {
  return `graph:${request.method} ${url.pathname}`;
}

/** Builds the emulator's request handler over a route table. */
export function createRouter(
  state: EmulatorState,
  routes: readonly Route[],
  log: (line: string) => void,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const started = performance.now();
    const url = new URL(request.url);
    let response: Response;
    try {
      response = await dispatch(state, routes, request, url);
    } catch (error) {
      log(
        `emulator: unhandled error on ${request.method} ${url.pathname}: ${(error as Error).stack ?? error}`,
      );
      response = Response.json({ error: "internal_error" }, { status: 500 });
    }
    // Only the path is logged: query strings carry authorization codes and state.
    log(`${request.method} ${url.pathname} ${response.status} ${(performance.now() - started).toFixed(1)}ms`);
    return response;
  };
}

async function dispatch(
  state: EmulatorState,
  routes: readonly Route[],
  request: Request,
  url: URL,
): Promise<Response> {
  let pathMatched: Route | undefined;
  for (const candidate of routes) {
    const match = candidate.pattern.exec({ pathname: url.pathname });
    if (!match) continue;
    pathMatched ??= candidate;
    if (!candidate.methods.includes(request.method)) continue;
    const context: RouteContext = {
      state,
      url,
      params: match.pathname.groups,
      instrument: async (key) => {
        countRequest(state, key);
        const fault = takeFault(state, key);
        return fault ? await applyFault(fault, candidate.service, request) : undefined;
      },
    };
    try {
      if (candidate.key) {
        const faulted = await context.instrument(candidate.key(request, url));
        if (faulted) return faulted;
      }
      return await candidate.handle(request, context);
    } catch (error) {
      if (error instanceof EntraError) return error.toResponse();
      if (error instanceof GraphError) return error.toResponse(request);
      throw error;
    }
  }
  if (pathMatched?.service === "graph") {
    return graphErrorResponse(request, {
      status: 405,
      code: "Request_BadRequest",
      message: `The HTTP method '${request.method}' is not supported for this resource.`,
    });
  }
  if (pathMatched) return new Response("Method Not Allowed", { status: 405 });
  return notFound(request, url);
}

function notFound(request: Request, url: URL): Response {
  if (/^\/(v1\.0|beta)\//.test(url.pathname)) {
    return graphErrorResponse(request, {
      status: 400,
      code: "BadRequest",
      message: `Resource not found for the segment '${url.pathname.split("/").pop()}'.`,
    });
  }
  // Entra answers unknown paths (including RFC 8414 well-known URLs) with an HTML 404.
  return new Response("<html><body><h2>404 - Not Found</h2></body></html>", {
    status: 404,
    headers: { "content-type": "text/html; charset=utf-8" },
  });
}

async function applyFault(
  fault: Fault,
  service: Route["service"],
  request: Request,
): Promise<Response | undefined> {
  if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
  if (fault.status === undefined && fault.aadsts === undefined) return undefined;
  const status = fault.status;
  const retryHeaders: Record<string, string> = fault.retryAfter !== undefined
    ? { "retry-after": String(fault.retryAfter) }
    : {};
  if (service === "graph") {
    const code = GRAPH_FAULT_CODES[status ?? 500] ?? ["BadRequest", "Emulated failure."];
    const headers = { ...retryHeaders };
    if (status === 401) {
      headers["www-authenticate"] =
        `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`;
    }
    return graphErrorResponse(request, { status: status ?? 500, code: code[0], message: code[1] }, {
      headers,
    });
  }
  if (fault.aadsts !== undefined) {
    return entraErrorResponse(fault.aadsts, { status, retryAfter: fault.retryAfter });
  }
  if (status === 429) {
    // ESTS throttling answers with a plain-text body, not an AADSTS error.
    return new Response("Too Many Requests", {
      status,
      headers: { "content-type": "text/plain", ...retryHeaders },
    });
  }
  return entraErrorResponse(status! >= 500 ? 90033 : 70000, { status, retryAfter: fault.retryAfter });
}

const GRAPH_FAULT_CODES: Record<number, [string, string]> = {
  401: ["InvalidAuthenticationToken", "Access token has expired or is not yet valid."],
  403: ["ErrorAccessDenied", "Access is denied. Check credentials and try again."],
  404: ["ErrorItemNotFound", "The specified object was not found in the store."],
  429: ["TooManyRequests", "Please retry again later."],
  500: ["generalException", "General exception while processing."],
  502: ["BadGateway", "Bad gateway."],
  503: ["ServiceUnavailable", "Service unavailable."],
  504: ["GatewayTimeout", "Gateway timeout."],
};
