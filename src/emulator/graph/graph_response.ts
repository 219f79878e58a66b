/** Successful Microsoft Graph responses: OData JSON with Graph's request-tracking headers. */
import { graphHeaders } from "./graph_errors.ts";

/** The content type Graph answers JSON with (OData minimal metadata, streaming). */
export const ODATA_JSON_CONTENT_TYPE =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/** A Graph JSON response (200 unless `status` says otherwise). */
export function graphJson(request: Request, body: unknown, options: { status?: number } = {}): Response {
  const headers = graphHeaders(request, crypto.randomUUID());
  headers.set("content-type", ODATA_JSON_CONTENT_TYPE);
  headers.set("odata-version", "4.0");
  return new Response(JSON.stringify(body), { status: options.status ?? 200, headers });
}

/** Graph's `204 No Content` answer to PATCH and DELETE. */
export function graphNoContent(request: Request): Response {
  return new Response(null, { status: 204, headers: graphHeaders(request, crypto.randomUUID()) });
}

/** `{origin}/v1.0/$metadata#{fragment}`, the `@odata.context` of a response. */
export function odataContext(baseUrl: string, fragment: string): string {
  return `${baseUrl}/v1.0/$metadata#${fragment}`;
}
