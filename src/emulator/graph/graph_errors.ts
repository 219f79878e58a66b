/**
 * Microsoft Graph error responses: `{"error": {"code", "message", "innerError": {date, request-id,
 * client-request-id}}}` with Graph's `request-id`/`client-request-id` headers.
 */

/** Headers every Graph response carries. */
export function graphHeaders(request: Request, requestId: string): Headers {
  return new Headers({
    "request-id": requestId,
    "client-request-id": request.headers.get("client-request-id") ?? requestId,
    "x-ms-ags-diagnostic": JSON.stringify({ ServerInfo: { RoleInstance: "emulator", ScaleUnit: "000" } }),
    "strict-transport-security": "max-age=31536000",
  });
}

/** Options for a Graph error. */
export interface GraphErrorOptions {
  /** Extra response headers (e.g. `WWW-Authenticate`, `Retry-After`). */
  headers?: Record<string, string>;
  /** Graph's `details` array (used by directory errors such as `NoBackingApplicationObject`). */
  details?: Array<{ code: string; message: string; target?: string }>;
}

/** A Graph error response. */
export function graphErrorResponse(
  request: Request,
  error: { status: number; code: string; message: string },
  options: GraphErrorOptions = {},
): Response {
  const requestId = crypto.randomUUID();
  const headers = graphHeaders(request, requestId);
  headers.set("content-type", "application/json");
  for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
  const innerError: Record<string, string> = {
    date: new Date().toISOString().slice(0, 19),
    "request-id": requestId,
    "client-request-id": headers.get("client-request-id")!,
  };
  if (error.status === 429) Object.assign(innerError, { code: "429", status: "429" });
  const body: Record<string, unknown> = { code: error.code, message: error.message, innerError };
  if (options.details) body.details = options.details;
  return new Response(JSON.stringify({ error: body }), { status: error.status, headers });
}

/** A typed error that Graph handlers throw to answer with a Graph error. */
export class GraphError extends Error {
  /** HTTP status. */
  readonly status: number;
  /** Graph's error code, e.g. `Request_ResourceNotFound`. */
  readonly code: string;
  /** Extra headers and details. */
  readonly options: GraphErrorOptions;

  constructor(status: number, code: string, message: string, options: GraphErrorOptions = {}) {
    super(message);
    this.name = "GraphError";
    this.status = status;
    this.code = code;
    this.options = options;
  }

  /** The HTTP response for this error. */
  toResponse(request: Request): Response {
    return graphErrorResponse(request, this, this.options);
  }
}
